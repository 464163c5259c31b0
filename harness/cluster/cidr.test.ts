import { describe, expect, it } from 'vitest';
import { addressAt, contains, formatCidr, overlaps, parseCidr, subnetAt } from './cidr.ts';

describe('cidr', () => {
  it('parses and formats a network', () => {
    expect(formatCidr(parseCidr('10.0.0.0/16'))).toBe('10.0.0.0/16');
  });

  it('rejects host bits, bad prefixes and bad addresses, quoting the value', () => {
    expect(() => parseCidr('10.0.0.1/16')).toThrow(/"10.0.0.1\/16".*did you mean 10.0.0.0\/16/);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseCidr('10.0.0.0')).toThrow(/prefix/);
    expect(() => parseCidr('10.0.256.0/24')).toThrow(/dotted/);
  });

  it('takes addresses from the start and from the end', () => {
    const net = parseCidr('10.0.0.0/16');
    expect(addressAt(net, 2)).toBe('10.0.0.2');
    expect(addressAt(net, -2)).toBe('10.0.255.254');
    expect(() => addressAt(parseCidr('10.0.0.0/30'), 4)).toThrow(RangeError);
  });

  it('splits a network into subnets in address order', () => {
    const pods = parseCidr('200.200.0.0/16');
    expect(formatCidr(subnetAt(pods, 24, 0))).toBe('200.200.0.0/24');
    expect(formatCidr(subnetAt(pods, 24, 255))).toBe('200.200.255.0/24');
    expect(() => subnetAt(pods, 24, 256)).toThrow(/only 256/);
  });

  it('tells containment and overlap', () => {
    expect(contains(parseCidr('198.51.100.0/24'), '198.51.100.10')).toBe(true);
    expect(contains(parseCidr('198.51.100.0/24'), '203.0.113.99')).toBe(false);
    expect(overlaps(parseCidr('10.0.0.0/8'), parseCidr('10.1.0.0/16'))).toBe(true);
    expect(overlaps(parseCidr('10.0.0.0/16'), parseCidr('10.1.0.0/16'))).toBe(false);
  });
});
