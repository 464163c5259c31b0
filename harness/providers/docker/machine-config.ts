import type { ClusterPlan } from '../../cluster/topology.ts';

/**
 * What `up` runs inside each machine after it starts, as argv lists. Routes use `replace` so
 * that running them again changes nothing.
 */

/** A node: its default route leads to the lab's router; the other nodes' pod subnets via those nodes (the seed's GCP routes). */
export function nodeCommands(plan: ClusterPlan, nodeName: string): string[][] {
  const cmds = [['ip', 'route', 'replace', 'default', 'via', plan.routerHostIp]];
  for (const other of plan.nodes) {
    if (other.name !== nodeName) cmds.push(['ip', 'route', 'replace', other.podCidr, 'via', other.ip]);
  }
  return cmds;
}

/** The chain and comment of the router's drop rule; its packet counter shows what died in the lab. */
export const ROUTER_EGRESS_CHAIN = 'CNI-LAB-EGRESS';
export const ROUTER_DROP_COMMENT = 'cni-lab: destination outside the lab, dropped';

/**
 * The router forwards only between the lab's ranges (host network, pod network, outside
 * network). Anything else is dropped in the raw table before routing, where a counter shows
 * it, and the router has no default route, so not even its own packets could leave towards
 * the host (Docker gives it one via the host's bridge, even on an --internal network).
 * It also knows every node's pod subnet, like a VPC route table, so that un-masqueraded pod
 * traffic (the fault the matrix must catch) still gets its answer back.
 */
export function routerCommands(plan: ClusterPlan): string[][] {
  const raw = (...rule: string[]): string[] => ['iptables', '-w', '-t', 'raw', ...rule];
  const ranges = [plan.hostNetwork, plan.podNetwork, plan.outsideNetwork];
  return [
    ['ip', 'route', 'flush', 'exact', '0.0.0.0/0'],
    ...plan.nodes.map((n) => ['ip', 'route', 'replace', n.podCidr, 'via', n.ip]),
    raw('-N', ROUTER_EGRESS_CHAIN),
    ...ranges.map((r) => raw('-A', ROUTER_EGRESS_CHAIN, '-d', r, '-j', 'RETURN')),
    raw('-A', ROUTER_EGRESS_CHAIN, '-m', 'comment', '--comment', ROUTER_DROP_COMMENT, '-j', 'DROP'),
    raw('-A', 'PREROUTING', '-j', ROUTER_EGRESS_CHAIN),
    ['iptables', '-w', '-P', 'FORWARD', 'DROP'],
    ...ranges.flatMap((src) =>
      ranges.filter((dst) => dst !== src).map((dst) => [
        'iptables', '-w', '-A', 'FORWARD', '-s', src, '-d', dst,
        '-m', 'comment', '--comment', 'cni-lab: within the lab', '-j', 'ACCEPT',
      ]),
    ),
  ];
}

/** The echo host answers through the router. */
export function echoHostCommands(plan: ClusterPlan): string[][] {
  return [['ip', 'route', 'replace', 'default', 'via', plan.routerOutsideIp]];
}
