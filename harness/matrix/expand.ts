import { protocolId, type Check, type Expectation, type Protocol, type Scenario } from './scenario.ts';

/** What expansion needs to know about the running cluster: read from it, never assumed. */
export interface LiveNode {
  name: string;
  role: 'worker' | 'control-plane';
  /** The node's address on the host network. */
  ip: string;
  /** Every IPv4 address the node holds (host network, bridge, ...), for client-node-any-address. */
  addresses: string[];
}
export interface LivePod {
  name: string;
  node: string;
  ip: string;
}
export interface LiveCluster {
  nodes: LiveNode[];
  pods: LivePod[];
  /** The echo host outside the cluster, if the cluster has one. */
  outside?: { name: string; ip: string };
}

export interface Endpoint {
  kind: 'pod' | 'node' | 'outside';
  name: string;
  ip: string;
  /** The node a pod runs on, or the node itself. */
  node?: string;
}

/** One probe of the matrix: a source, a destination, a protocol and what must be seen. */
export interface Cell {
  /** Stable across runs and providers: scenario/check/source->destination/protocol. */
  id: string;
  scenario: string;
  check: string;
  source: Endpoint;
  destination: Endpoint;
  protocol: Protocol;
  expect: Expectation;
  /** The addresses the receiver may report as source, from the expectation's class. */
  expectedSources: string[];
  why?: string;
  /** Set when the cell cannot run on this cluster. */
  skipped?: string;
}

function sources(check: Check, cluster: LiveCluster): Endpoint[] {
  const roleOf = new Map(cluster.nodes.map((n) => [n.name, n.role]));
  const wanted = (node: string) => !check.from.role || roleOf.get(node) === check.from.role;
  if (check.from.kind === 'pod') {
    return cluster.pods.filter((p) => wanted(p.node)).map((p) => ({ kind: 'pod', name: p.name, ip: p.ip, node: p.node }));
  }
  return cluster.nodes.filter((n) => wanted(n.name)).map((n) => ({ kind: 'node', name: n.name, ip: n.ip, node: n.name }));
}

function destinations(check: Check, src: Endpoint, cluster: LiveCluster): Endpoint[] {
  const { kind, placement } = check.to;
  if (kind === 'outside') return cluster.outside ? [{ kind: 'outside', ...cluster.outside }] : [];
  const fits = (node: string) => placement === 'any' || (placement === 'same-node') === (node === src.node);
  const all: Endpoint[] =
    kind === 'pod'
      ? cluster.pods.map((p) => ({ kind: 'pod', name: p.name, ip: p.ip, node: p.node }))
      : cluster.nodes.map((n) => ({ kind: 'node', name: n.name, ip: n.ip, node: n.name }));
  return all.filter((d) => fits(d.node!) && !(d.kind === src.kind && d.name === src.name));
}

function expectedSources(check: Check, src: Endpoint, cluster: LiveCluster): string[] {
  const node = cluster.nodes.find((n) => n.name === src.node);
  switch (check.expect.source) {
    case 'client-pod-ip':
      return src.kind === 'pod' ? [src.ip] : [];
    case 'client-node-ip':
      return node ? [node.ip] : [];
    case 'client-node-any-address':
      return node ? [...new Set([node.ip, ...node.addresses])] : [];
    default:
      return [];
  }
}

function noDestinationReason(check: Check, src: Endpoint): string {
  if (check.to.kind === 'outside') return 'this cluster has no echo host outside it';
  const where = check.to.placement === 'any' ? '' : check.to.placement === 'same-node' ? ` on ${src.node}` : ` on a node other than ${src.node}`;
  return `no ${check.to.kind} to probe${where}`;
}

/** Expands scenarios against the live cluster into cells, in a stable order. */
export function expand(scenarios: Scenario[], cluster: LiveCluster): Cell[] {
  const cells: Cell[] = [];
  for (const scenario of scenarios) {
    for (const check of scenario.checks) {
      const base = { scenario: scenario.name, check: check.name, expect: check.expect, ...(check.why ? { why: check.why } : {}) };
      const prefix = `${scenario.name}/${check.name}`;
      const srcs = sources(check, cluster);
      for (const protocol of check.protocols) {
        const none: Endpoint = { kind: check.to.kind, name: '(none)', ip: '' };
        if (srcs.length === 0) {
          const src: Endpoint = { kind: check.from.kind, name: '(none)', ip: '' };
          cells.push({ ...base, id: `${prefix}/(none)->(none)/${protocolId(protocol)}`, source: src, destination: none, protocol, expectedSources: [], skipped: `no ${check.from.kind}${check.from.role ? ` on a ${check.from.role} node` : ''} to probe from` });
          continue;
        }
        for (const src of srcs) {
          const dsts = destinations(check, src, cluster);
          const expected = expectedSources(check, src, cluster);
          if (dsts.length === 0) {
            cells.push({ ...base, id: `${prefix}/${src.name}->(none)/${protocolId(protocol)}`, source: src, destination: none, protocol, expectedSources: expected, skipped: noDestinationReason(check, src) });
          }
          for (const dst of dsts) {
            cells.push({ ...base, id: `${prefix}/${src.name}->${dst.name}/${protocolId(protocol)}`, source: src, destination: dst, protocol, expectedSources: expected });
          }
        }
      }
    }
  }
  return cells;
}
