import { describe, expect, it } from 'vitest';
import { acceptRule, splitRule } from './host-firewall.ts';
import { bridgeName } from './names.ts';

describe('DOCKER-USER rules', () => {
  it('splits iptables -S output back into the argv that deletes the rule', () => {
    const line = '-A DOCKER-USER -i cl123456-vpc -o cl123456-vpc -m comment --comment "cni-lab cluster=lab bridge=cl123456-vpc" -j ACCEPT';
    expect(splitRule(line).slice(2)).toEqual(acceptRule('lab', 'cl123456-vpc'));
  });

  it('names bridges within the 15 bytes of an interface name, distinct per cluster and network', () => {
    const names = ['lab', 'test', 'a-very-long-cluster-name-30chr'].flatMap((c) => [bridgeName(c, 'vpc'), bridgeName(c, 'outside')]);
    expect(new Set(names).size).toBe(6);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(15);
  });
});
