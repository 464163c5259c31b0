import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { expectedRules, missingRules } from './iptables.ts';

const conf = parseConfig(
  JSON.stringify({ cniVersion: '1.0.0', name: 'net', podNetwork: '200.200.0.0/16', hostNetwork: '10.0.0.0/16', podSubnet: '200.200.1.0/24', ipam: { type: 'host-local' } }),
);

/** What iptables-save prints once the rules are in, in its own order. */
function saved(): string {
  const [filter, nat] = expectedRules(conf);
  return [
    '*filter',
    ':FORWARD DROP [0:0]',
    `:${filter!.chain} - [0:0]`,
    filter!.jump,
    ...filter!.rules,
    'COMMIT',
    '*nat',
    ':POSTROUTING ACCEPT [0:0]',
    `:${nat!.chain} - [0:0]`,
    '-A POSTROUTING -o docker0 -j MASQUERADE',
    nat!.jump,
    ...nat!.rules,
    'COMMIT',
  ].join('\n');
}

describe('iptables rules', () => {
  it('masquerades only what leaves both the pod and the host network, and comments every rule', () => {
    const [filter, nat] = expectedRules(conf);
    expect(nat!.rules.map((r) => r.replace(/ -m comment --comment "[^"]*"/, ''))).toEqual([
      `-A ${nat!.chain} -d 200.200.0.0/16 -j RETURN`,
      `-A ${nat!.chain} -d 10.0.0.0/16 -j RETURN`,
      `-A ${nat!.chain} -j MASQUERADE`,
    ]);
    expect(nat!.jump).toMatch(/^-A POSTROUTING -s 200\.200\.1\.0\/24 .* -j MY-CNI-MASQ-[0-9A-F]{8}$/);
    expect(filter!.jumpInsert).toMatch(/^-I FORWARD 1 /);
    for (const rule of [...filter!.rules, ...nat!.rules, filter!.jump, nat!.jump]) expect(rule).toContain('--comment "my-cni-plugin: net ');
  });

  it('has nothing to write when every rule is present', () => {
    expect(missingRules(conf, saved())).toBe('');
  });

  it('rewrites a chain whole when one rule is gone, and re-inserts only a missing jump', () => {
    const [filter, nat] = expectedRules(conf);
    const restore = missingRules(conf, saved().replace(`${nat!.rules[2]}\n`, '').replace(`${filter!.jump}\n`, ''));
    expect(restore).toBe(
      [`*filter`, `:${filter!.chain} - [0:0]`, ...filter!.rules, filter!.jumpInsert, 'COMMIT', '*nat', `:${nat!.chain} - [0:0]`, ...nat!.rules, 'COMMIT', ''].join('\n'),
    );
  });

  it('writes no nat rules when ipMasq is off', () => {
    const noMasq = { ...conf, ipMasq: false };
    expect(expectedRules(noMasq).map((t) => t.table)).toEqual(['filter']);
  });
});
