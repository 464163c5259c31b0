import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestNode, addNetns, cniAsync, destroyAll, iptablesRules, must, netnsPath } from './lab-netns.ts';

const PODS = 30;
let node: TestNode;
let pods: string[];

beforeAll(() => {
  node = new TestNode();
  pods = Array.from({ length: PODS }, () => addNetns('pod'));
});
afterAll(() => {
  node.destroy();
  destroyAll();
});

it(`${PODS} concurrent ADDs on a fresh node: distinct addresses, one gateway, no duplicate rule`, async () => {
  // The first ADDs race to create the bridge, its address and the iptables rules.
  const outs = await Promise.all(pods.map((p, i) => cniAsync(node, { command: 'ADD', containerId: `ctr-${i}`, netns: netnsPath(p) })));
  for (const out of outs) expect(out.exitCode, out.stdout + out.stderr).toBe(0);
  const addresses = outs.map((o) => (o.json!.ips as { address: string }[])[0]!.address);
  expect(new Set(addresses).size).toBe(PODS);
  expect(node.reservedIps()).toHaveLength(PODS);

  const bridge = JSON.parse(must(['ip', '-n', node.ns, '-j', 'addr', 'show', 'dev', 'cni0']))[0];
  expect(bridge.addr_info.filter((a: { family: string }) => a.family === 'inet')).toMatchObject([{ local: '200.200.1.1', prefixlen: 24 }]);
  const ports = JSON.parse(must(['ip', '-n', node.ns, '-j', 'link', 'show', 'master', 'cni0']));
  expect(ports).toHaveLength(PODS);

  const ours = iptablesRules(node.ns).split('\n').filter((l) => l.includes('my-cni-plugin'));
  expect(ours).toHaveLength(7);
  expect(new Set(ours).size).toBe(ours.length);
});

it(`${PODS} concurrent DELs release every address and veth`, async () => {
  const outs = await Promise.all(pods.map((p, i) => cniAsync(node, { command: 'DEL', containerId: `ctr-${i}`, netns: netnsPath(p) })));
  for (const out of outs) expect(out.exitCode, out.stdout + out.stderr).toBe(0);
  expect(node.reservedIps()).toEqual([]);
  expect(JSON.parse(must(['ip', '-n', node.ns, '-j', 'link', 'show', 'master', 'cni0']))).toEqual([]);
  for (const p of pods) expect(JSON.parse(must(['ip', '-n', p, '-j', 'link', 'show'])).map((l: { ifname: string }) => l.ifname)).toEqual(['lo']);
});
