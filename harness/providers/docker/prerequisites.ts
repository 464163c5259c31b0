import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { PrerequisiteError } from '../../errors.ts';
import { hostExec } from '../../host-exec.ts';

const SETUP = 'run `bash scripts/bootstrap.sh` (Debian 12, as root) to install and start everything the lab needs';

/** Finds an executable on PATH, as a shell would. */
export async function onPath(tool: string, path = process.env.PATH ?? ''): Promise<boolean> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    try {
      await access(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Throws a PrerequisiteError for the first [tool, fix] not on PATH, naming its fix and `setup`. */
export async function requireTools(tools: [string, string][], setup: string = SETUP): Promise<void> {
  for (const [tool, fix] of tools) {
    if (!(await onPath(tool))) throw new PrerequisiteError(`${tool} not found on PATH`, `${fix}, or ${setup}`);
  }
}

/** One clear message per missing prerequisite, naming the fix; the first one found is thrown. */
export async function checkDockerPrerequisites(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new PrerequisiteError('not running as root', 'the lab adds iptables rules on this machine; run it as root (sudo ./cluster.sh up)');
  }
  const tools: [string, string][] = [
    ['docker', 'install Docker Engine (apt-get install docker.io)'],
    ['mmdebstrap', 'install mmdebstrap (apt-get install mmdebstrap): it builds the node image from Debian packages'],
    ['jsonnet', 'install jsonnet (apt-get install jsonnet): the plugin config is rendered with it'],
    ['nping', 'install nmap (apt-get install nmap): it provides nping, the probe'],
    ['iptables', 'install iptables (apt-get install iptables)'],
  ];
  await requireTools(tools);
  const info = await hostExec(['docker', 'info', '--format', '{{.ServerVersion}}'], { what: 'ask dockerd', allowFailure: true });
  if (info.exitCode !== 0) {
    throw new PrerequisiteError(
      'Docker Engine is not running (docker info failed)',
      `start it (nohup dockerd >/var/log/dockerd.log 2>&1 &, or systemctl start docker), or ${SETUP}`,
    );
  }
}
