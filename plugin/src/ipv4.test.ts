import { describe, expect, it } from 'vitest';
import { contains, formatCidr, formatIPv4, formatNetwork, macForIPv4, parseCidr, parseIPv4 } from './ipv4.ts';

describe('ipv4', () => {
  it('parses and formats addresses, refusing anything that is not dotted IPv4', () => {
    expect(formatIPv4(parseIPv4('200.200.1.2')!)).toBe('200.200.1.2');
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d', '', '::1']) expect(parseIPv4(bad)).toBeUndefined();
  });

  it('parses CIDRs, keeping the written address and the network apart', () => {
    const c = parseCidr('10.0.0.7/16')!;
    expect(formatCidr(c)).toBe('10.0.0.7/16');
    expect(formatNetwork(c)).toBe('10.0.0.0/16');
    expect(formatNetwork(parseCidr('0.0.0.0/0')!)).toBe('0.0.0.0/0');
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
  });

  it('tests membership', () => {
    const net = parseCidr('200.200.0.0/16')!;
    expect(contains(net, parseIPv4('200.200.255.1')!)).toBe(true);
    expect(contains(net, parseIPv4('200.201.0.1')!)).toBe(false);
    expect(contains(parseCidr('0.0.0.0/0')!, parseIPv4('8.8.8.8')!)).toBe(true);
  });

  it('derives the 0a:58 MAC from an address', () => {
    expect(macForIPv4(parseIPv4('200.200.1.2')!)).toBe('0a:58:c8:c8:01:02');
  });
});
