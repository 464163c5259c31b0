import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateError } from '../errors.ts';
import type { ClusterPlan } from './topology.ts';

export type NodeRole = 'control-plane' | 'worker';

/** One machine of the cluster, as every later command (install, pods, probes) needs it. */
export interface NodeState {
  /** The node name, e.g. my-k8s-worker-1 (also its hostname). */
  name: string;
  role: NodeRole;
  /** The node's address on the host network (the seed's VPC), e.g. 10.0.0.3. */
  ip: string;
  /** The node's pod subnet, as kube-controller-manager --allocate-node-cidrs assigns it. */
  podCidr: string;
  /** Provider-specific handle: the container id for docker. */
  id: string;
}

/** The world outside the cluster that egress probes aim at (the seed's internet). */
export interface OutsideState {
  network: string;
  /** The router between the host network and the outside network, on each side. */
  routerHostIp: string;
  routerOutsideIp: string;
  echoHostIp: string;
  /** A name for the echo host in every node's /etc/hosts. */
  echoHostName: string;
  /** The passphrase of every `nping --echo-server` in the lab (also needs --no-crypto). */
  echoSecret: string;
}

/** The cluster state file, written by `cluster up` and read by every later command. */
export interface ClusterState {
  schemaVersion: 1;
  provider: string;
  /** The cluster name; resources of the cluster carry it in their labels. */
  name: string;
  createdAt: string;
  hostNetwork: string;
  podNetwork: string;
  nodeCidrMaskSize: number;
  nodes: NodeState[];
  outside: OutsideState;
  /** Provider-specific details (docker: image tag, networks, bridges, router and echo ids). */
  providerDetails: Record<string, unknown>;
}

/** The state of a cluster made from a plan (docker, qemu): the plan's addresses, each node's id, the provider's details. */
export function stateFromPlan(
  plan: ClusterPlan,
  provider: string,
  nodeId: (node: string) => string,
  echo: { echoHostName: string; echoSecret: string },
  details: object,
): ClusterState {
  return {
    schemaVersion: 1,
    provider,
    name: plan.cluster,
    createdAt: new Date().toISOString(),
    hostNetwork: plan.hostNetwork,
    podNetwork: plan.podNetwork,
    nodeCidrMaskSize: plan.nodeCidrMaskSize,
    nodes: plan.nodes.map((n): NodeState => ({ ...n, id: nodeId(n.name) })),
    outside: {
      network: plan.outsideNetwork,
      routerHostIp: plan.routerHostIp,
      routerOutsideIp: plan.routerOutsideIp,
      echoHostIp: plan.echoHostIp,
      ...echo,
    },
    providerDetails: details as Record<string, unknown>,
  };
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The lab's own cache (state files, image builds), ignored by git. */
export const LAB_CACHE_DIR = join(REPO_ROOT, '.cache', 'cni-lab');

/** Where the state of a cluster lives unless --state says otherwise. */
export function defaultStatePath(cluster: string): string {
  return join(LAB_CACHE_DIR, cluster, 'state.json');
}

/** Reads the state file, or returns undefined when there is none. */
export async function readState(path: string): Promise<ClusterState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError(path, 'cannot be read', { cause: e });
  }
  return parseState(path, text);
}

export function parseState(path: string, text: string): ClusterState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new StateError(path, 'is not JSON; remove it or run `./cluster.sh down`', { cause: e });
  }
  const s = data as Partial<ClusterState>;
  if (s.schemaVersion !== 1 || typeof s.name !== 'string' || !Array.isArray(s.nodes) || !s.outside) {
    throw new StateError(path, `is not a cni-lab cluster state (schemaVersion ${JSON.stringify(s.schemaVersion)})`);
  }
  return s as ClusterState;
}

/** Writes the state atomically, so a crash never leaves half a file for the next command. */
export async function writeState(path: string, state: ClusterState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, path);
}

export async function removeState(path: string): Promise<void> {
  await rm(path, { force: true });
}
