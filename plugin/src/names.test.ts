import { describe, expect, it } from 'vitest';
import { chainNames, hostVethMac, hostVethName, parseVethAlias, vethAlias } from './names.ts';

describe('names', () => {
  it('gives a deterministic host veth name within the 15-character limit', () => {
    const name = hostVethName('0123456789abcdef'.repeat(4), 'eth0');
    expect(name).toMatch(/^veth[0-9a-f]{10}$/);
    expect(hostVethName('0123456789abcdef'.repeat(4), 'eth0')).toBe(name);
    expect(hostVethName('0123456789abcdef'.repeat(4), 'eth1')).not.toBe(name);
  });

  it('gives a locally administered unicast MAC', () => {
    const first = parseInt(hostVethMac('c', 'eth0').slice(0, 2), 16);
    expect(first & 0b11).toBe(0b10);
  });

  it('round-trips the veth alias', () => {
    expect(parseVethAlias(vethAlias('net', 'c.1_x-y', 'eth0'))).toEqual({ network: 'net', containerId: 'c.1_x-y', ifname: 'eth0' });
    expect(parseVethAlias('docker veth')).toBeUndefined();
  });

  it('keeps chain names within iptables limits', () => {
    const { forward, masquerade } = chainNames('a-network-name-that-is-rather-long');
    expect(forward.length).toBeLessThanOrEqual(28);
    expect(masquerade.length).toBeLessThanOrEqual(28);
  });
});
