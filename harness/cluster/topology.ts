import { addressAt, formatCidr, overlaps, parseCidr, subnetAt, type Cidr } from './cidr.ts';
import type { NodeRole } from './state.ts';
import { UsageError } from '../errors.ts';

export interface TopologyOptions {
  cluster: string;
  workers: number;
  hostNetwork: string;
  podNetwork: string;
  outsideNetwork: string;
  nodeCidrMaskSize: number;
}

/** The seed's topology: one control plane and two workers on 10.0.0.0/16, pods in 200.200.0.0/16. */
export const SEED_TOPOLOGY: TopologyOptions = {
  cluster: 'lab',
  workers: 2,
  hostNetwork: '10.0.0.0/16',
  podNetwork: '200.200.0.0/16',
  // A documentation range (RFC 5737): nothing real lives there.
  outsideNetwork: '198.51.100.0/24',
  nodeCidrMaskSize: 24,
};

export interface PlannedNode {
  name: string;
  role: NodeRole;
  ip: string;
  podCidr: string;
}

export interface ClusterPlan {
  cluster: string;
  hostNetwork: string;
  podNetwork: string;
  nodeCidrMaskSize: number;
  nodes: PlannedNode[];
  outsideNetwork: string;
  /** The router's leg on the host network: the last usable address, the nodes' default route. */
  routerHostIp: string;
  routerOutsideIp: string;
  echoHostIp: string;
  /** The docker bridges' own addresses (the first usable), kept away from nodes. */
  hostGateway: string;
  outsideGateway: string;
}

/**
 * A cluster name names containers, VMs, links, cloud resources and a directory under the lab's
 * cache, which `down` removes: checked for every command, not only `up`.
 */
export function checkClusterName(name: string): void {
  if (!/^[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?$/.test(name)) {
    throw new UsageError(`cluster name ${JSON.stringify(name)}: use 1-30 lower-case letters, digits or dashes, starting and ending with a letter or digit`);
  }
}

/**
 * Names and addresses of every node. Node IPs start at the second usable address, as in the
 * seed (10.0.0.2, .3, .4). Pod subnets are handed out in order of node registration, the
 * control plane first, as kube-controller-manager --allocate-node-cidrs does: 200.200.0.0/24
 * for the master, 200.200.1.0/24 for worker-1 and so on.
 */
export function planCluster(o: TopologyOptions): ClusterPlan {
  checkClusterName(o.cluster);
  if (!Number.isInteger(o.workers) || o.workers < 0 || o.workers > 200) {
    throw new UsageError(`--workers ${JSON.stringify(o.workers)}: expected a whole number from 0 to 200`);
  }
  const host = parseCidr(o.hostNetwork);
  const pods = parseCidr(o.podNetwork);
  const outside = parseCidr(o.outsideNetwork);
  checkDisjoint({ '--host-network': host, '--pod-network': pods, '--outside-network': outside });
  const count = o.workers + 1;
  // .0 network, .1 docker's bridge, then nodes, then the router just below broadcast.
  if (2 ** (32 - host.prefix) < count + 4) {
    throw new UsageError(`--host-network ${o.hostNetwork} has no room for ${count} nodes and a router`);
  }
  if (outside.prefix > 27) throw new UsageError(`--outside-network ${o.outsideNetwork}: use a /27 or larger (the echo host is its .10)`);
  if (o.nodeCidrMaskSize < pods.prefix || 2 ** (o.nodeCidrMaskSize - pods.prefix) < count) {
    throw new UsageError(`--pod-network ${o.podNetwork} has no room for ${count} /${o.nodeCidrMaskSize} node subnets`);
  }
  const nodes: PlannedNode[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push({
      name: i === 0 ? 'my-k8s-master' : `my-k8s-worker-${i}`,
      role: i === 0 ? 'control-plane' : 'worker',
      ip: addressAt(host, 2 + i),
      podCidr: formatCidr(subnetAt(pods, o.nodeCidrMaskSize, i)),
    });
  }
  return {
    cluster: o.cluster,
    hostNetwork: formatCidr(host),
    podNetwork: formatCidr(pods),
    nodeCidrMaskSize: o.nodeCidrMaskSize,
    nodes,
    outsideNetwork: formatCidr(outside),
    routerHostIp: addressAt(host, -2),
    routerOutsideIp: addressAt(outside, -2),
    echoHostIp: addressAt(outside, 10),
    hostGateway: addressAt(host, 1),
    outsideGateway: addressAt(outside, 1),
  };
}

function checkDisjoint(nets: Record<string, Cidr>): void {
  const entries = Object.entries(nets);
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [an, a] = entries[i]!;
      const [bn, b] = entries[j]!;
      if (overlaps(a, b)) throw new UsageError(`${an} ${formatCidr(a)} overlaps ${bn} ${formatCidr(b)}`);
    }
  }
}
