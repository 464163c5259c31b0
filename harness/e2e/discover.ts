import type { ClusterState } from '../cluster/state.ts';
import type { LiveCluster, LiveNode, LivePod } from '../matrix/expand.ts';
import { PodmanRuntime } from '../pods/podman-runtime.ts';
import type { Provider } from '../providers/provider.ts';

/**
 * Reads the lab as it runs: every node's IPv4 addresses (`ip -j addr`), and every running
 * pod's node, address and container as podman reports them.
 */
export async function discover(
  state: ClusterState,
  provider: Provider,
): Promise<{ live: LiveCluster; podContainers: Record<string, string>; podNetns: Record<string, string> }> {
  const nodes: LiveNode[] = await Promise.all(
    state.nodes.map(async (n) => {
      const out = await provider.transport(state, n).exec(['ip', '-j', '-4', 'addr', 'show'], { what: 'list addresses' });
      const links = JSON.parse(out.stdout) as { addr_info: { local: string }[] }[];
      const addresses = links.flatMap((l) => l.addr_info.map((a) => a.local)).filter((a) => !a.startsWith('127.'));
      return { name: n.name, role: n.role, ip: n.ip, addresses };
    }),
  );
  const running = (await new PodmanRuntime(state, provider).list()).filter((p) => p.status === 'Running' && p.ip);
  const pods: LivePod[] = running.map((p) => ({ name: p.name, node: p.node, ip: p.ip! })).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const podContainers = Object.fromEntries(running.filter((p) => p.containers[0]).map((p) => [p.name, p.containers[0]!]));
  const podNetns = Object.fromEntries(running.filter((p) => p.netns).map((p) => [p.name, p.netns!]));
  return { live: { nodes, pods, outside: { name: state.outside.echoHostName, ip: state.outside.echoHostIp } }, podContainers, podNetns };
}
