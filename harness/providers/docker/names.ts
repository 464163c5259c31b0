import { createHash } from 'node:crypto';

/** Every container and network of the lab carries these labels, so `down` finds leftovers after a crash. */
export const LABEL_LAB = 'cni-lab';
export const LABEL_CLUSTER = 'cni-lab.cluster';
export const LABEL_ROLE = 'cni-lab.role';
export const LABEL_MACHINE = 'cni-lab.machine';
/** The state file that describes the cluster (see CreateOptions in provider.ts). */
export const LABEL_STATE = 'cni-lab.state';

/** The echo host's name in every machine's /etc/hosts (the seed probes echo.nmap.org). */
export const ECHO_HOST_NAME = 'echo.nmap.org';

export type LabRole = 'control-plane' | 'worker' | 'router' | 'echo' | 'network';

export function labels(cluster: string, role: LabRole): Record<string, string> {
  return { [LABEL_LAB]: '1', [LABEL_CLUSTER]: cluster, [LABEL_ROLE]: role };
}

/** docker --filter arguments that select exactly one cluster's resources. */
export function clusterFilter(cluster: string): string[] {
  return ['--filter', `label=${LABEL_LAB}=1`, '--filter', `label=${LABEL_CLUSTER}=${cluster}`];
}

export function containerName(cluster: string, machine: string): string {
  return `cni-lab-${cluster}-${machine}`;
}

export type LabNetwork = 'vpc' | 'outside';

export function networkName(cluster: string, net: LabNetwork): string {
  return `cni-lab-${cluster}-${net}`;
}

/**
 * The Linux bridge behind a lab network, named by us (not docker's br-<id>) so that it is known
 * before the network exists and after it is gone. Interface names have at most 15 bytes.
 */
export function bridgeName(cluster: string, net: LabNetwork): string {
  const h = createHash('sha256').update(cluster).digest('hex').slice(0, 6);
  return `cl${h}-${net === 'vpc' ? 'vpc' : 'out'}`;
}

/** The comment on the host's DOCKER-USER rules of a cluster: `down` deletes rules by it. */
export function ruleComment(cluster: string, bridge: string): string {
  return `cni-lab cluster=${cluster} bridge=${bridge}`;
}
