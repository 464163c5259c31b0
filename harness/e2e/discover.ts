import type { ClusterState } from '../cluster/state.ts';
import type { LiveCluster, LiveNode, LivePod } from '../matrix/expand.ts';
import type { Provider } from '../providers/provider.ts';

interface PodmanContainer {
  Names: string[];
  PodName?: string;
  IsInfra?: boolean;
  State?: string;
  Id: string;
}

/**
 * Reads the lab as it runs: every node's IPv4 addresses (`ip -j addr`), and every pod's node
 * and address as podman reports them (its infra container's address on the CNI network).
 */
export async function discover(state: ClusterState, provider: Provider): Promise<{ live: LiveCluster; podContainers: Record<string, string> }> {
  const nodes: LiveNode[] = [];
  const pods: LivePod[] = [];
  const podContainers: Record<string, string> = {};
  await Promise.all(
    state.nodes.map(async (n) => {
      const t = provider.transport(state, n);
      const addr = JSON.parse((await t.exec(['ip', '-j', '-4', 'addr', 'show'], { what: 'list addresses' })).stdout) as { addr_info: { local: string }[] }[];
      nodes.push({ name: n.name, role: n.role, ip: n.ip, addresses: addr.flatMap((l) => l.addr_info.map((a) => a.local)).filter((a) => !a.startsWith('127.')) });
      const ps = JSON.parse((await t.exec(['podman', 'ps', '--format', 'json'], { what: 'list pods' })).stdout || '[]') as PodmanContainer[];
      const infra = ps.filter((c) => c.IsInfra && c.PodName && c.State === 'running');
      if (infra.length === 0) return;
      const inspected = JSON.parse((await t.exec(['podman', 'inspect', ...infra.map((c) => c.Id)], { what: 'inspect pods' })).stdout) as {
        Id: string;
        NetworkSettings: { Networks?: Record<string, { IPAddress?: string }> };
      }[];
      for (const c of infra) {
        const nets = inspected.find((i) => i.Id === c.Id)?.NetworkSettings.Networks ?? {};
        const ip = Object.values(nets).map((x) => x.IPAddress).find(Boolean);
        if (!ip) continue;
        pods.push({ name: c.PodName!, node: n.name, ip });
        const app = ps.find((x) => x.PodName === c.PodName && !x.IsInfra);
        if (app) podContainers[c.PodName!] = app.Names[0]!;
      }
    }),
  );
  const order = new Map(state.nodes.map((n, i) => [n.name, i]));
  nodes.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
  pods.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  return { live: { nodes, pods, outside: { name: state.outside.echoHostName, ip: state.outside.echoHostIp } }, podContainers };
}
