import { CommandError, shellQuote } from '../../errors.ts';
import { hostExec } from '../../host-exec.ts';
import { bridgeName, clusterFilter, labels, networkName, type LabNetwork } from './names.ts';

export interface LabNetworkSpec {
  net: LabNetwork;
  subnet: string;
  gateway: string;
}

export interface CreatedNetwork {
  net: LabNetwork;
  name: string;
  bridge: string;
  id: string;
}

/**
 * Creates one lab network through the docker CLI: testcontainers' Network takes no options,
 * and the lab needs a fixed subnet, --internal (nothing may leave the machine) and a bridge
 * name of its own (so the host rules can name it before and after the network exists).
 */
export async function createNetwork(cluster: string, spec: LabNetworkSpec): Promise<CreatedNetwork> {
  const name = networkName(cluster, spec.net);
  const bridge = bridgeName(cluster, spec.net);
  const labelArgs = Object.entries(labels(cluster, 'network')).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  const argv = [
    'docker', 'network', 'create', '--driver', 'bridge', '--internal',
    '--subnet', spec.subnet, '--gateway', spec.gateway,
    '--opt', `com.docker.network.bridge.name=${bridge}`,
    ...labelArgs, name,
  ];
  const res = await hostExec(argv, { what: `create network ${name}`, allowFailure: true });
  if (res.exitCode !== 0) {
    const hint = /overlaps/.test(res.stderr)
      ? `\n${spec.subnet} is taken by another Docker network (another lab? see \`docker network ls\`): take it down, or choose other ranges (--host-network, --outside-network)`
      : '';
    throw new CommandError(`create network ${name}`, 'host', shellQuote(argv), res.exitCode, `${res.stderr.trim()}${hint}`);
  }
  return { net: spec.net, name, bridge, id: res.stdout.trim() };
}

/** Names of the cluster's networks, found by label only. */
export async function listNetworks(cluster: string): Promise<string[]> {
  const res = await hostExec(['docker', 'network', 'ls', '--format', '{{.Name}}', ...clusterFilter(cluster)], {
    what: 'list lab networks',
  });
  return res.stdout.split('\n').filter(Boolean);
}

/** Removes the networks; with allowFailure, says whether it could (a container may still be attached). */
export async function removeNetworks(names: string[], opts: { allowFailure?: boolean } = {}): Promise<boolean> {
  if (names.length === 0) return true;
  const res = await hostExec(['docker', 'network', 'rm', ...names], { what: 'remove lab networks', ...opts });
  return res.exitCode === 0;
}
