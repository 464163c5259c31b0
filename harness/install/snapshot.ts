import type { NodeTransport } from '../providers/provider.ts';

/**
 * A node's network state as `ip -j` and `iptables-save` show it, normalised so that two
 * snapshots of the same setup compare equal. Left out on purpose, because they change
 * without any setup changing: interface index numbers (the kernel counts on with every new
 * interface, so a re-created link gets a new one), address lifetimes, packet and byte
 * counters, and iptables-save's dated comment lines. Not compared at all: sysctls, because
 * `up` already set net.ipv4.ip_forward=1, the one the plugin writes.
 */
export interface NetSnapshot {
  links: string[];
  addrs: string[];
  routes: string[];
  iptables: string[];
}

interface IpLink {
  ifname: string;
  flags?: string[];
  mtu?: number;
  operstate?: string;
  link_type?: string;
  address?: string;
  master?: string;
}

interface IpAddr extends IpLink {
  addr_info?: Array<{ family: string; local: string; prefixlen: number; scope?: string }>;
}

export function normaliseLinks(json: string): string[] {
  return (JSON.parse(json) as IpLink[])
    .map((l) => `${l.ifname} ${l.link_type ?? '-'} ${l.address ?? '-'} mtu ${l.mtu ?? '-'} ${l.operstate ?? '-'} <${(l.flags ?? []).join(',')}>${l.master ? ` master ${l.master}` : ''}`)
    .sort();
}

export function normaliseAddrs(json: string): string[] {
  return (JSON.parse(json) as IpAddr[])
    .flatMap((l) => (l.addr_info ?? []).map((a) => `${l.ifname} ${a.family} ${a.local}/${a.prefixlen} scope ${a.scope ?? '-'}`))
    .sort();
}

export function normaliseRoutes(json: string): string[] {
  return (JSON.parse(json) as Array<Record<string, unknown>>)
    .map((r) => Object.entries(r).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' '))
    .sort();
}

/**
 * iptables-save without its comment lines and with chain counters blanked; rule order is
 * kept. A table with no rule, no chain of its own and every policy ACCEPT is dropped: it
 * filters nothing, and the kernel keeps such a table once any command has touched it (the
 * filter table of a lab node appears with the plugin's first rule and stays after purge).
 */
export function normaliseIptables(save: string): string[] {
  const lines = save
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => (l.startsWith(':') ? l.replace(/ \[\d+:\d+\]$/, '') : l));
  const out: string[] = [];
  let table: string[] = [];
  for (const l of lines) {
    table.push(l);
    if (l !== 'COMMIT') continue;
    const empty = table.every((t) => t.startsWith('*') || t === 'COMMIT' || /^:[A-Z]+ ACCEPT$/.test(t));
    if (!empty) out.push(...table);
    table = [];
  }
  return [...out, ...table];
}

export async function takeSnapshot(node: NodeTransport): Promise<NetSnapshot> {
  const run = async (argv: string[]): Promise<string> => (await node.exec(argv, { what: `snapshot: ${argv.join(' ')}` })).stdout;
  const [links, addrs, routes, save] = await Promise.all([
    run(['ip', '-j', 'link', 'show']),
    run(['ip', '-j', 'addr', 'show']),
    run(['ip', '-j', 'route', 'show', 'table', 'all']),
    run(['iptables-save']),
  ]);
  return { links: normaliseLinks(links), addrs: normaliseAddrs(addrs), routes: normaliseRoutes(routes), iptables: normaliseIptables(save) };
}

/** Every difference as a line: `links + cni0 ...` for something new, `links - ...` for something gone. */
export function diffSnapshots(before: NetSnapshot, after: NetSnapshot): string[] {
  const out: string[] = [];
  for (const key of ['links', 'addrs', 'routes', 'iptables'] as const) {
    const a = new Set(before[key]);
    const b = new Set(after[key]);
    for (const l of before[key]) if (!b.has(l)) out.push(`${key} - ${l}`);
    for (const l of after[key]) if (!a.has(l)) out.push(`${key} + ${l}`);
    if (out.length === 0 && key === 'iptables' && before[key].join('\n') !== after[key].join('\n')) {
      out.push('iptables: the same rules in another order');
    }
  }
  return out;
}
