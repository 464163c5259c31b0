import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostExec } from '../host-exec.ts';
import { runCli } from './lab-cli.ts';

/** Where a tool lives on this machine, to build a PATH that lacks exactly one tool. */
async function which(tool: string): Promise<string> {
  const res = await hostExec(['sh', '-c', 'command -v "$1"', 'sh', tool], { what: `find ${tool}` });
  return res.stdout.trim();
}

describe('a missing prerequisite is one clear message naming the fix', () => {
  const tools = ['docker', 'mmdebstrap', 'jsonnet', 'nping', 'iptables'];

  it.each(tools.map((tool, i) => [tool, i] as const))('%s not installed', async (tool, i) => {
    const bin = await mkdtemp(join(tmpdir(), 'cni-lab-path-'));
    for (const present of tools.slice(0, i)) await symlink(await which(present), join(bin, present));
    const res = await runCli(['cluster', 'up', '--name', 'prereq'], { env: { ...process.env, PATH: bin } });
    await rm(bin, { recursive: true, force: true });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^cni-lab: ${tool} not found on PATH: install .*apt-get install .*, or run \`bash scripts/bootstrap.sh\``),
    );
  });

  it('Docker Engine not running', async () => {
    const env = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    for (const cmd of ['up', 'down']) {
      const res = await runCli(['cluster', cmd, '--name', 'prereq'], { env });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/cni-lab: Docker Engine is not running \(docker info failed\): start it \(nohup dockerd/);
    }
  });

  it('not root', async () => {
    const res = await runCli(['cluster', 'up', '--name', 'prereq'], {
      prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
      env: { ...process.env, HOME: '/tmp' },
    });
    expect(res.stderr).toMatch(/cni-lab: not running as root: .*run it as root \(sudo \.\/cluster\.sh up\)/);
    expect(res.code).toBe(1);
  });
});
