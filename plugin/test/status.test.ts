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
