import { describe, expect, it } from 'vitest';
import { appendResult, formatResult, normalizeResult } from './result.ts';

const ours = {
  interfaces: [{ name: 'cni0', mac: 'm0' }, { name: 'veth1', mac: 'm1' }, { name: 'eth0', mac: 'm2', sandbox: '/run/netns/p' }],
  ips: [{ address: '200.200.1.2/24', gateway: '200.200.1.1', interface: 2 }],
  routes: [{ dst: '0.0.0.0/0', gw: '200.200.1.1' }],
  dns: {},
};

describe('results', () => {
  it('adds ips[].version only for 0.3.x and 0.4.0', () => {
    expect((formatResult(ours, '0.4.0').ips as object[])[0]).toEqual({ version: '4', address: '200.200.1.2/24', gateway: '200.200.1.1', interface: 2 });
    expect((formatResult(ours, '1.0.0').ips as object[])[0]).not.toHaveProperty('version');
    expect(formatResult(ours, '1.1.0').cniVersion).toBe('1.1.0');
  });

  it('reads an IPAM answer of an older version, dropping ips[].version', () => {
    const r = normalizeResult({ cniVersion: '0.3.1', ips: [{ version: '4', address: '10.1.0.5/24', gateway: '10.1.0.1' }], routes: [{ dst: '0.0.0.0/0' }] }, 'ipam');
    expect(r).toEqual({ interfaces: [], ips: [{ address: '10.1.0.5/24', gateway: '10.1.0.1' }], routes: [{ dst: '0.0.0.0/0' }], dns: {} });
  });

  it('refuses a result without addresses spelled out', () => {
    expect(() => normalizeResult({ ips: [{}] }, 'prevResult')).toThrow('prevResult.ips[0].address is missing');
    expect(() => normalizeResult({ ips: {} }, 'prevResult')).toThrow('prevResult.ips must be a list');
  });

  it('appends to a previous result, shifting interface indexes', () => {
    const prev = { interfaces: [{ name: 'x' }], ips: [{ address: '10.9.0.2/24' }], routes: [], dns: { domain: 'd' } };
    const merged = appendResult(prev, ours);
    expect(merged.interfaces.map((i) => i.name)).toEqual(['x', 'cni0', 'veth1', 'eth0']);
    expect(merged.ips).toEqual([{ address: '10.9.0.2/24' }, { ...ours.ips[0], interface: 3 }]);
    expect(merged.dns).toEqual({ domain: 'd' });
  });
});
