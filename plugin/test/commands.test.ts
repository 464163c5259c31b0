import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestNode, add, addNetns, cni, destroyAll, iptablesRules, must, netnsPath, podLinks } from './lab-netns.ts';

const VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

describe.each(VERSIONS)('cniVersion %s', (version) => {
  let node: TestNode;
  let pod: string;
  beforeEach(() => {
    node = new TestNode({ cniVersion: version });
    pod = addNetns('pod');
  });
  afterEach(() => {
    node.destroy();
    destroyAll();
  });

  it('ADD answers in the version asked, field by field, and builds exactly that', () => {
    const result = add(node, pod, 'ctr-1');
    expect(result.cniVersion).toBe(version);
    const interfaces = result.interfaces as { name: string; mac: string; mtu?: number; sandbox?: string }[];
    expect(interfaces.map((i) => i.name)).toEqual(['cni0', expect.stringMatching(/^veth[0-9a-f]{10}$/), 'eth0']);
    for (const i of interfaces) expect(i.mac).toMatch(MAC);
    expect(interfaces[0]!.sandbox).toBeUndefined();
    expect(interfaces[1]!.sandbox).toBeUndefined();
    expect(interfaces[2]!.sandbox).toBe(netnsPath(pod));
    expect(interfaces[0]!.mac).toBe('0a:58:c8:c8:01:01');
    expect(interfaces[2]!.mac).toBe('0a:58:c8:c8:01:02');
    const ips = result.ips as Record<string, unknown>[];
    const ip: Record<string, unknown> = { address: '200.200.1.2/24', gateway: '200.200.1.1', interface: 2 };
    if (version < '1.0.0') ip.version = '4';
    expect(ips).toEqual([ip]);
    expect(result.routes).toEqual([{ dst: '0.0.0.0/0', gw: '200.200.1.1' }]);
    expect(result.dns).toEqual({});

    // What the result says is what the kernel has.
    const bridge = JSON.parse(must(['ip', '-n', node.ns, '-d', '-j', 'addr', 'show', 'dev', 'cni0']))[0];
    expect(bridge.linkinfo.info_kind).toBe('bridge');
    expect(bridge.address).toBe(interfaces[0]!.mac);
    expect(bridge.addr_info.filter((a: { family: string }) => a.family === 'inet').map((a: { local: string }) => a.local)).toEqual(['200.200.1.1']);
    const veth = JSON.parse(must(['ip', '-n', node.ns, '-d', '-j', 'link', 'show', 'dev', interfaces[1]!.name]))[0];
    expect(veth.master).toBe('cni0');
    expect(veth.address).toBe(interfaces[1]!.mac);
    expect(veth.mtu).toBe(1500);
    expect(veth.linkinfo.info_slave_data.hairpin).toBe(true);
    const eth0 = JSON.parse(must(['ip', '-n', pod, '-d', '-j', 'addr', 'show', 'dev', 'eth0']))[0];
    expect(eth0.linkinfo.info_kind).toBe('veth');
    expect(eth0.address).toBe(interfaces[2]!.mac);
    expect(eth0.operstate).toBe('UP');
    expect(eth0.addr_info.filter((a: { family: string }) => a.family === 'inet')).toMatchObject([{ local: '200.200.1.2', prefixlen: 24 }]);
    const routes = JSON.parse(must(['ip', '-n', pod, '-j', 'route', 'show', 'default']));
    expect(routes).toMatchObject([{ dst: 'default', gateway: '200.200.1.1', dev: 'eth0' }]);
    expect(node.reservedIps()).toEqual(['200.200.1.2']);
    expect(must(['ip', 'netns', 'exec', node.ns, 'cat', '/proc/sys/net/ipv4/ip_forward']).trim()).toBe('1');
  });

  it('CHECK after ADD succeeds silently from 0.4.0 on, and is refused with code 1 before', () => {
    const result = add(node, pod, 'ctr-1');
    const out = cni(node, { command: 'CHECK', containerId: 'ctr-1', netns: netnsPath(pod), config: node.config({ prevResult: result }) });
    if (version < '0.4.0') {
      expect(out.exitCode).not.toBe(0);
      expect(out.json).toMatchObject({ cniVersion: version, code: 1, msg: expect.stringContaining('does not allow CHECK') });
    } else {
      expect(out).toMatchObject({ exitCode: 0, stdout: '' });
    }
  });

  it('DEL removes the attachment and its address, and DEL again succeeds', () => {
    add(node, pod, 'ctr-1');
    const rulesAfterAdd = iptablesRules(node.ns);
    for (let i = 0; i < 2; i++) {
      const out = cni(node, { command: 'DEL', containerId: 'ctr-1', netns: netnsPath(pod) });
      expect(out).toMatchObject({ exitCode: 0, stdout: '' });
    }
    expect(podLinks(pod)).toEqual(['lo']);
    expect(node.snapshot().links).toEqual(['cni0', 'lo']);
    expect(node.reservedIps()).toEqual([]);
    // The node-wide rules stay for the next pod; nothing per container existed to remove.
    expect(iptablesRules(node.ns)).toBe(rulesAfterAdd);
  });

  it('STATUS and GC need 1.1.0', () => {
    for (const command of ['STATUS', 'GC']) {
      const out = cni(node, { command });
      if (version === '1.1.0') {
        expect(out).toMatchObject({ exitCode: 0, stdout: '' });
      } else {
        expect(out.json).toMatchObject({ cniVersion: version, code: 1, msg: expect.stringContaining(`does not allow ${command}`) });
      }
    }
  });

  it('VERSION lists every supported version without reading stdin', () => {
    const out = cni(node, { command: 'VERSION', stdin: '' });
    expect(out.exitCode).toBe(0);
    expect(out.json).toEqual({ cniVersion: '1.1.0', supportedVersions: VERSIONS });
  });
});

describe('ADD with a prevResult (chaining)', () => {
  it('keeps the earlier interfaces and points our address at our pod interface', () => {
    const node = new TestNode();
    const pod = addNetns('pod');
    try {
      const prevResult = { cniVersion: '1.1.0', interfaces: [{ name: 'dummy0', mac: '02:00:00:00:00:01' }], ips: [], routes: [], dns: { nameservers: ['10.0.0.53'] } };
      const result = add(node, pod, 'ctr-1', { config: node.config({ prevResult }) });
      expect((result.interfaces as { name: string }[]).map((i) => i.name)).toEqual(['dummy0', 'cni0', expect.stringMatching(/^veth/), 'eth0']);
      expect(result.ips).toEqual([{ address: '200.200.1.2/24', gateway: '200.200.1.1', interface: 3 }]);
      expect(result.dns).toEqual({ nameservers: ['10.0.0.53'] });
    } finally {
      node.destroy();
      destroyAll();
    }
  });

  it('CHECK fails, naming what differs, once the pod lost its default route', () => {
    const node = new TestNode();
    const pod = addNetns('pod');
    try {
      const result = add(node, pod, 'ctr-1');
      must(['ip', '-n', pod, 'route', 'del', 'default']);
      const out = cni(node, { command: 'CHECK', containerId: 'ctr-1', netns: netnsPath(pod), config: node.config({ prevResult: result }) });
      expect(out.exitCode).not.toBe(0);
      expect(out.json).toMatchObject({ code: 102, msg: expect.stringContaining('route 0.0.0.0/0 via 200.200.1.1 is missing') });
      const noPrev = cni(node, { command: 'CHECK', containerId: 'ctr-1', netns: netnsPath(pod) });
      expect(noPrev.json).toMatchObject({ code: 7, msg: expect.stringContaining('prevResult') });
    } finally {
      node.destroy();
      destroyAll();
    }
  });
});
