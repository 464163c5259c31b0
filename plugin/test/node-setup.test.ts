import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TestNode, add, addNetns, cni, destroyAll, must } from './lab-netns.ts';

let node: TestNode;
beforeEach(() => {
  node = new TestNode();
});
afterEach(() => {
  node.destroy();
  destroyAll();
});

it('STATUS is 0 when an ADD can succeed', () => {
  expect(cni(node, { command: 'STATUS' })).toMatchObject({ exitCode: 0, stdout: '' });
});

it('STATUS is 50 when the IPAM plugin is missing and no pod is affected', () => {
  const out = cni(node, { command: 'STATUS', path: '/nonexistent' });
  expect(out.json).toMatchObject({ code: 50, msg: expect.stringContaining('IPAM plugin "host-local" not found on CNI_PATH (/nonexistent)') });
});

it('STATUS is 51 when it is unavailable and attached pods lost their node-wide rules', () => {
  add(node, addNetns('pod'), 'ctr-1');
  must(['ip', 'netns', 'exec', node.ns, 'iptables', '-t', 'nat', '-F', 'POSTROUTING']);
  const out = cni(node, { command: 'STATUS', path: '/nonexistent' });
  expect(out.json).toMatchObject({ code: 51, details: expect.stringContaining('existing pods may have limited connectivity: iptables rules are missing') });
});

it('an ADD repairs node-wide rules that were flushed', () => {
  add(node, addNetns('pod'), 'ctr-1');
  const rules = must(['ip', 'netns', 'exec', node.ns, 'iptables-save', '-t', 'nat']).split('\n').filter((l) => l.startsWith('-A'));
  must(['ip', 'netns', 'exec', node.ns, 'iptables', '-t', 'nat', '-F', 'POSTROUTING']);
  add(node, addNetns('pod'), 'ctr-2');
  const after = must(['ip', 'netns', 'exec', node.ns, 'iptables-save', '-t', 'nat']).split('\n').filter((l) => l.startsWith('-A'));
  expect(after.sort()).toEqual(rules.sort());
});

it('an ADD after a "reboot" (bridge, rules and forwarding gone) rebuilds the node-wide setup', () => {
  add(node, addNetns('pod'), 'ctr-1');
  const rules = must(['ip', 'netns', 'exec', node.ns, 'iptables-save']).split('\n').filter((l) => l.startsWith('-A'));
  must(['ip', '-n', node.ns, 'link', 'del', 'cni0']);
  must(['ip', 'netns', 'exec', node.ns, 'iptables', '-F']);
  must(['ip', 'netns', 'exec', node.ns, 'iptables', '-t', 'nat', '-F']);
  must(['ip', 'netns', 'exec', node.ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=0']);
  const result = add(node, addNetns('pod'), 'ctr-2');
  expect((result.ips as { gateway: string }[])[0]!.gateway).toBe('200.200.1.1');
  const bridge = JSON.parse(must(['ip', '-n', node.ns, '-j', 'addr', 'show', 'dev', 'cni0']))[0];
  expect(bridge.operstate).not.toBe('DOWN');
  expect(bridge.address).toBe('0a:58:c8:c8:01:01');
  expect(bridge.addr_info.filter((a: { family: string }) => a.family === 'inet').map((a: { local: string }) => a.local)).toEqual(['200.200.1.1']);
  const after = must(['ip', 'netns', 'exec', node.ns, 'iptables-save']).split('\n').filter((l) => l.startsWith('-A'));
  expect(after.sort()).toEqual(rules.sort());
  expect(must(['ip', 'netns', 'exec', node.ns, 'cat', '/proc/sys/net/ipv4/ip_forward']).trim()).toBe('1');
});

it('the MTU is set on both veth ends and on a new bridge', () => {
  const pod = addNetns('pod');
  const result = add(node, pod, 'ctr-1', { config: node.config({ mtu: 1400 }) });
  const veth = (result.interfaces as { name: string; mtu: number }[])[1]!;
  expect(veth.mtu).toBe(1400);
  expect(JSON.parse(must(['ip', '-n', node.ns, '-j', 'link', 'show', 'dev', veth.name]))[0].mtu).toBe(1400);
  expect(JSON.parse(must(['ip', '-n', pod, '-j', 'link', 'show', 'dev', 'eth0']))[0].mtu).toBe(1400);
  expect(JSON.parse(must(['ip', '-n', node.ns, '-j', 'link', 'show', 'dev', 'cni0']))[0].mtu).toBe(1400);
});

it('ip_forward is only written when it is off', () => {
  must(['ip', 'netns', 'exec', node.ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=0']);
  add(node, addNetns('pod'), 'ctr-1');
  add(node, addNetns('pod'), 'ctr-2');
  const log = readFileSync(node.logFile, 'utf8');
  expect(log.match(/enabled net.ipv4.ip_forward/g)).toHaveLength(1);
});
