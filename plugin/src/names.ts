/**
 * FNV-1a over the string, twice with different offsets: 64 well-mixed bits as hex. Names
 * need spread, not secrecy, and node:crypto would cost start-up time on every call.
 */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return hex(a) + hex(b);
}

/**
 * The host end of a pod's veth: deterministic, so DEL and GC find it without the
 * pod's namespace, and 14 characters, within the kernel's 15.
 */
export const hostVethName = (containerId: string, ifname: string): string =>
  `veth${hash(`${containerId}/${ifname}`).slice(6, 16)}`;

/** A stable, locally administered unicast MAC for the host end of a pod's veth. */
export function hostVethMac(containerId: string, ifname: string): string {
  const h = hash(`mac/${containerId}/${ifname}`);
  return ['02', ...[6, 8, 10, 12, 14].map((i) => h.slice(i, i + 2))].join(':');
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
  const h = hash(network).slice(8, 16).toUpperCase();
  return { forward: `MY-CNI-FWD-${h}`, masquerade: `MY-CNI-MASQ-${h}` };
}
