import { describe, expect, it } from 'vitest';
import { diffSnapshots, normaliseAddrs, normaliseIptables, normaliseLinks, normaliseRoutes, type NetSnapshot } from './snapshot.ts';

const link = (ifindex: number, ifname: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ifindex, ifname, flags: ['BROADCAST', 'UP'], mtu: 1500, operstate: 'UP', link_type: 'ether', address: '02:42:0a:00:00:03', ...extra,
});

describe('network snapshots', () => {
  it('ignore interface index numbers and address lifetimes', () => {
    const a = JSON.stringify([link(1, 'lo'), link(57, 'eth0')]);
    const b = JSON.stringify([link(1, 'lo'), link(91, 'eth0')]);
    expect(normaliseLinks(a)).toEqual(normaliseLinks(b));
    const addr = (ifindex: number, valid: number): string =>
      JSON.stringify([{ ...link(ifindex, 'eth0'), addr_info: [{ family: 'inet', local: '10.0.0.3', prefixlen: 16, scope: 'global', valid_life_time: valid }] }]);
    expect(normaliseAddrs(addr(5, 100))).toEqual(['eth0 inet 10.0.0.3/16 scope global']);
    expect(normaliseAddrs(addr(5, 100))).toEqual(normaliseAddrs(addr(9, 42)));
  });

  it('ignore iptables-save comments and counters but keep rule order', () => {
    expect(normaliseIptables('# Generated on Thu\n*nat\n:POSTROUTING ACCEPT [12:720]\n-A POSTROUTING -j X\nCOMMIT\n# Completed\n')).toEqual([
      '*nat', ':POSTROUTING ACCEPT', '-A POSTROUTING -j X', 'COMMIT',
    ]);
  });

  it('drop a table that filters nothing, as the kernel keeps it once touched', () => {
    const save = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [3:120]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j X\nCOMMIT\n';
    expect(normaliseIptables(save)).toEqual(['*nat', ':POSTROUTING ACCEPT', '-A POSTROUTING -j X', 'COMMIT']);
    expect(normaliseIptables('*filter\n:FORWARD DROP [0:0]\nCOMMIT\n')).toEqual(['*filter', ':FORWARD DROP', 'COMMIT']);
    expect(normaliseIptables('*filter\n:INPUT ACCEPT [0:0]\n:MINE - [0:0]\nCOMMIT\n')).toEqual(['*filter', ':INPUT ACCEPT', ':MINE -', 'COMMIT']);
  });

  it('name every link, address, route and rule that came or went', () => {
    const before: NetSnapshot = {
      links: normaliseLinks(JSON.stringify([link(1, 'eth0')])),
      addrs: [],
      routes: normaliseRoutes(JSON.stringify([{ dst: 'default', gateway: '10.0.255.254', dev: 'eth0', flags: [] }])),
      iptables: ['*filter', ':FORWARD ACCEPT', 'COMMIT'],
    };
    const after: NetSnapshot = {
      ...before,
      links: [...before.links, ...normaliseLinks(JSON.stringify([link(7, 'cni0', { link_type: 'ether', address: '0a:58:c8:c8:01:01' })]))],
      iptables: ['*filter', ':FORWARD ACCEPT', ':MY-CNI-FWD-1', 'COMMIT'],
    };
    expect(diffSnapshots(before, before)).toEqual([]);
    expect(diffSnapshots(before, after)).toEqual([
      'links + cni0 ether 0a:58:c8:c8:01:01 mtu 1500 UP <BROADCAST,UP>',
      'iptables + :MY-CNI-FWD-1',
    ]);
    expect(before.routes).toEqual(['dst=default gateway=10.0.255.254 dev=eth0 flags=']);
  });

  it('notice the same rules in another order', () => {
    const a: NetSnapshot = { links: [], addrs: [], routes: [], iptables: ['-A FORWARD -j A', '-A FORWARD -j B'] };
    expect(diffSnapshots(a, { ...a, iptables: ['-A FORWARD -j B', '-A FORWARD -j A'] })).toEqual(['iptables: the same rules in another order']);
  });
});
