import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { LAB_CACHE_DIR } from '../../cluster/state.ts';

/**
 * Everything a qemu cluster makes on this machine is named from the cluster name, so that
 * `down` finds it after a crash without a state file: qemu processes by their `-name`,
 * links by their alias, network namespaces and files by their name, host rules by comment.
 */

/** The qemu `-name` of a VM (also its process title): `cni-lab-<cluster>-<node>`. */
export function vmName(cluster: string, node: string): string {
  return `cni-lab-${cluster}-${node}`;
}

/** Interface names have at most 15 bytes: `cl` + 6 hex digits of the cluster name + a role. */
function prefix(cluster: string): string {
  return `cl${createHash('sha256').update(`qemu:${cluster}`).digest('hex').slice(0, 6)}`;
}

/** The host network's bridge (the seed's VPC), which the VMs' taps and the router join. */
export function bridgeName(cluster: string): string {
  return `${prefix(cluster)}h`;
}

/** The tap of the node at `index` in the plan (0 is the control plane). */
export function tapName(cluster: string, index: number): string {
  return `${prefix(cluster)}t${index}`;
}

/** The host end of the router's leg on the bridge. */
export function routerLinkName(cluster: string): string {
  return `${prefix(cluster)}r`;
}

/**
 * Whether a host link has one of the cluster's names. Each link gets its alias by a second
 * `ip` after its creation, so an `up` killed in between leaves a link known only by its name.
 */
export function isClusterLinkName(cluster: string, name: string): boolean {
  const p = prefix(cluster);
  return name === bridgeName(cluster) || name === routerLinkName(cluster) || new RegExp(`^${p}t\\d+$`).test(name);
}

/** The alias every host link of the cluster carries (`ip -j link` shows it as ifalias). */
export function linkAlias(cluster: string): string {
  return `cni-lab:qemu:${cluster}`;
}

/** The router and the echo host are network namespaces on this machine, not VMs. */
export function netnsName(cluster: string, machine: 'router' | 'echo'): string {
  return `cni-lab-${cluster}-${machine}`;
}

/** The comment of the host's FORWARD rule that lets traffic cross the bridge (br_netfilter). */
export function forwardRuleComment(cluster: string): string {
  return `cni-lab qemu cluster=${cluster}`;
}

/** Per-VM files that only live while the cluster is up: overlays, pid files, the key. */
export function runDir(cluster: string): string {
  return join(LAB_CACHE_DIR, cluster, 'qemu');
}

/** Serial console logs, kept after `down` for whoever debugs a failure (overwritten by the next `up`). */
export function consoleDir(cluster: string): string {
  return join(LAB_CACHE_DIR, cluster, 'console');
}

/** The lab network MAC of a node: 52:54 (qemu's prefix) + its IPv4 address. */
export function labMac(ip: string): string {
  return `52:54:${ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join(':')}`;
}

/** The management NIC's MAC (each VM's user network is its own, so one MAC serves all). */
export const MGMT_MAC = '52:54:00:c0:ff:ee';
/**
 * qemu's user network for SSH from the host (hostfwd on 127.0.0.1): isolated (restrict=on),
 * so the VM reaches nothing through it. Checked against the plan's ranges.
 */
export const MGMT_NETWORK = '192.168.127.0/24';
export const MGMT_GUEST_IP = '192.168.127.15';
