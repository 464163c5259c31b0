import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { formatNetwork } from './ipv4.ts';

const good = {
  cniVersion: '1.0.0',
  name: 'net',
  type: 'my-cni-plugin',
  podNetwork: '200.200.0.0/16',
  hostNetwork: '10.0.0.0/16',
  podSubnet: '200.200.1.0/24',
  ipam: { type: 'host-local' },
};
const parse = (patch: Record<string, unknown>) => parseConfig(JSON.stringify({ ...good, ...patch }));

describe('parseConfig', () => {
  it('fills the defaults and keeps the raw bytes and unknown keys', () => {
    const conf = parse({ 'cni.dev/valid-attachments': [], capabilities: { portMappings: true } });
    expect(conf).toMatchObject({ bridge: 'cni0', mtu: 1500, hairpinMode: true, ipMasq: true, logFile: '/var/log/my-cni-plugin.log' });
    expect(formatNetwork(conf.podSubnet)).toBe('200.200.1.0/24');
    expect(conf.json['cni.dev/valid-attachments']).toEqual([]);
    expect(JSON.parse(conf.raw).capabilities).toEqual({ portMappings: true });
  });

  it('treats a missing cniVersion as 0.1.0, which it does not speak', () => {
    expect(() => parse({ cniVersion: undefined })).toThrow(expect.objectContaining({ code: 1, details: expect.stringContaining('config is "0.1.0"') }));
  });

  it.each([
    [{ mtu: 1500.5 }, '"mtu" must be an integer'],
    [{ hairpinMode: 'yes' }, '"hairpinMode" must be a boolean'],
    [{ dns: ['8.8.8.8'] }, '"dns" must be an object'],
    [{ ipam: { type: '../bin/sh' } }, '"ipam.type" must name an IPAM plugin'],
    [{ podSubnet: '200.200.0.0/15' }, 'must lie inside "podNetwork"'],
    [{ name: 'a/b' }, '"name" must start with a letter or digit'],
  ])('refuses %j with code 7', (patch, message) => {
    expect(() => parse(patch)).toThrow(expect.objectContaining({ code: 7, message: expect.stringContaining(message) }));
  });
});

describe('gateway', () => {
  it('defaults to the first address of podSubnet', () => {
    expect(parse({}).gateway).toBe('200.200.1.1');
    expect(parse({ gateway: '200.200.1.254' }).gateway).toBe('200.200.1.254');
  });
  it.each(['200.200.2.1', '200.200.1.0', 'x'])('refuses %s with code 7', (gateway) => {
    expect(() => parse({ gateway })).toThrow(expect.objectContaining({ code: 7, message: expect.stringContaining('"gateway" must be an address inside "podSubnet"') }));
  });
});
