import { createHash } from 'node:crypto';

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The host end of a pod's veth: deterministic, so DEL and GC find it without the
 * pod's namespace, and 14 characters, within the kernel's 15.
 */
export const hostVethName = (containerId: string, ifname: string): string =>
  `veth${hash(`${containerId}/${ifname}`).slice(0, 10)}`;

/** A stable, locally administered unicast MAC for the host end of a pod's veth. */
export function hostVethMac(containerId: string, ifname: string): string {
  const h = hash(`mac/${containerId}/${ifname}`);
  return ['02', ...[0, 2, 4, 6, 8].map((i) => h.slice(i, i + 2))].join(':');
}

/** The alias on a host veth: GC reads it back to know which attachment the veth belongs to. */
export const vethAlias = (network: string, containerId: string, ifname: string): string =>
  `my-cni-plugin:${network}:${containerId}:${ifname}`;

export function parseVethAlias(alias: string): { network: string; containerId: string; ifname: string } | undefined {
  const parts = alias.split(':');
  if (parts.length !== 4 || parts[0] !== 'my-cni-plugin') return undefined;
  return { network: parts[1]!, containerId: parts[2]!, ifname: parts[3]! };
}

/** iptables chains per network (several networks may share a node), within the 28-character limit. */
export function chainNames(network: string): { forward: string; masquerade: string } {
  const h = hash(network).slice(0, 8).toUpperCase();
  return { forward: `MY-CNI-FWD-${h}`, masquerade: `MY-CNI-MASQ-${h}` };
}
