import { afterEach, beforeEach, expect, it } from 'vitest';
import { TestNode, add, addNetns, cni, destroyAll, must, netnsPath } from './lab-netns.ts';

let node: TestNode;
let pods: string[];
let results: Record<string, unknown>[];

beforeEach(() => {
  node = new TestNode();
  pods = [0, 1, 2, 3].map(() => addNetns('pod'));
  results = pods.map((p, i) => add(node, p, `ctr-${i}`));
  // ctr-3 lost its veth without a DEL, as after a node reboot: only its address is left.
  const veth = (results[3]!.interfaces as { name: string }[])[1]!.name;
  must(['ip', '-n', node.ns, 'link', 'del', veth]);
});
afterEach(() => {
  node.destroy();
  destroyAll();
});

const vethsOnBridge = (): string[] =>
  JSON.parse(must(['ip', '-n', node.ns, '-j', 'link', 'show', 'master', 'cni0'])).map((l: { ifname: string }) => l.ifname).sort();
const vethOf = (i: number): string => (results[i]!.interfaces as { name: string }[])[1]!.name;

for (const key of ['cni.dev/valid-attachments', 'cni.dev/attachments']) {
  it(`GC (${key}) releases the addresses and veths of unlisted attachments and keeps the listed ones`, () => {
    expect(node.reservedIps()).toEqual(['200.200.1.2', '200.200.1.3', '200.200.1.4', '200.200.1.5']);
    const config = node.config({ [key]: [{ containerID: 'ctr-0', ifname: 'eth0' }, { containerID: 'ctr-2', ifname: 'eth0' }] });
    const out = cni(node, { command: 'GC', config });
    expect(out).toMatchObject({ exitCode: 0, stdout: '' });
    expect(node.reservedIps()).toEqual(['200.200.1.2', '200.200.1.4']);
    expect(vethsOnBridge()).toEqual([vethOf(0), vethOf(2)].sort());
    for (const i of [0, 2]) {
      const check = cni(node, { command: 'CHECK', containerId: `ctr-${i}`, netns: netnsPath(pods[i]!), config: node.config({ prevResult: results[i] }) });
      expect(check).toMatchObject({ exitCode: 0, stdout: '' });
    }
    expect(JSON.parse(must(['ip', '-n', pods[1]!, '-j', 'link', 'show'])).map((l: { ifname: string }) => l.ifname)).toEqual(['lo']);
  });
}

it('GC rejects a malformed attachment list without touching anything', () => {
  const out = cni(node, { command: 'GC', config: node.config({ 'cni.dev/valid-attachments': [{ containerID: 'ctr-0' }] }) });
  expect(out.json).toMatchObject({ code: 7, msg: expect.stringContaining('"cni.dev/valid-attachments"[0] must have string "containerID" and "ifname"') });
  expect(node.reservedIps()).toHaveLength(4);
});
