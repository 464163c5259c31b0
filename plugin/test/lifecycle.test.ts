import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestNode, add, addNetns, cni, delNetns, destroyAll, must, netnsPath, podLinks } from './lab-netns.ts';

let node: TestNode;
let pod: string;
beforeEach(() => {
  node = new TestNode();
  pod = addNetns('pod');
});
afterEach(() => {
  node.destroy();
  destroyAll();
});

/** After setup of the node-wide parts (bridge, rules) by a first pod that is then deleted. */
function primedNode(): ReturnType<TestNode['snapshot']> {
  const other = addNetns('pod');
  add(node, other, 'primer');
  expect(cni(node, { command: 'DEL', containerId: 'primer', netns: netnsPath(other) }).exitCode).toBe(0);
  return node.snapshot();
}

describe('DEL is best effort and leaves nothing', () => {
  it('of a container that was never added', () => {
    const before = primedNode();
    const out = cni(node, { command: 'DEL', containerId: 'never-added', netns: netnsPath(pod) });
    expect(out).toMatchObject({ exitCode: 0, stdout: '' });
    expect(node.snapshot()).toEqual(before);
  });

  it('after the pod namespace is gone', () => {
    const before = primedNode();
    add(node, pod, 'ctr-1');
    delNetns(pod);
    const out = cni(node, { command: 'DEL', containerId: 'ctr-1', netns: netnsPath(pod) });
    expect(out).toMatchObject({ exitCode: 0, stdout: '' });
    expect(node.snapshot()).toEqual(before);
  });

  it('with an empty CNI_NETNS (the reference bridge leaks its rules and eth0 here)', () => {
    const before = primedNode();
    add(node, pod, 'ctr-1');
    const out = cni(node, { command: 'DEL', containerId: 'ctr-1', netns: '' });
    expect(out).toMatchObject({ exitCode: 0, stdout: '' });
    expect(node.snapshot()).toEqual(before);
    expect(podLinks(pod)).toEqual(['lo']);
  });
});

describe('ADD twice for the same container and interface', () => {
  it('fails cleanly and leaves the first attachment working', () => {
    const first = add(node, pod, 'ctr-1');
    const snapshot = node.snapshot();
    const podAddr = must(['ip', '-n', pod, '-j', 'addr', 'show']);
    const out = cni(node, { command: 'ADD', containerId: 'ctr-1', netns: netnsPath(pod) });
    expect(out.exitCode).not.toBe(0);
    expect(out.json).toMatchObject({ cniVersion: '1.1.0', code: 101, msg: expect.stringContaining('eth0 already exists') });
    expect(node.snapshot()).toEqual(snapshot);
    expect(must(['ip', '-n', pod, '-j', 'addr', 'show'])).toBe(podAddr);
    const check = cni(node, { command: 'CHECK', containerId: 'ctr-1', netns: netnsPath(pod), config: node.config({ prevResult: first }) });
    expect(check).toMatchObject({ exitCode: 0, stdout: '' });
  });
});

describe('an ADD that fails midway leaves nothing behind', () => {
  it('when the IPAM pool is exhausted', () => {
    // A /30 has two usable addresses: .1 is the gateway, so one pod fits.
    const small = (o: Record<string, unknown> = {}) =>
      node.config({ podSubnet: '200.200.9.0/30', ipam: { type: 'host-local', subnet: '200.200.9.0/30', dataDir: node.dataDir }, ...o });
    const first = addNetns('pod');
    add(node, first, 'fits', { config: small() });
    const before = node.snapshot();
    const out = cni(node, { command: 'ADD', containerId: 'too-many', netns: netnsPath(pod), config: small() });
    expect(out.exitCode).not.toBe(0);
    expect(out.json?.msg).toMatch(/IPAM plugin host-local ADD failed: .*no IP addresses available/);
    expect(node.snapshot()).toEqual(before);
    expect(podLinks(pod)).toEqual(['lo']);
  });

  it('when the pod namespace does not exist', () => {
    const before = primedNode();
    const out = cni(node, { command: 'ADD', containerId: 'ctr-1', netns: '/run/netns/does-not-exist' });
    expect(out.json).toMatchObject({ code: 4, msg: expect.stringContaining('CNI_NETNS "/run/netns/does-not-exist" does not exist') });
    expect(node.snapshot()).toEqual(before);
  });

  it('when the pod already holds an interface of that name', () => {
    const before = primedNode();
    must(['ip', '-n', pod, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'other0']);
    const out = cni(node, { command: 'ADD', containerId: 'ctr-1', netns: netnsPath(pod) });
    expect(out.json).toMatchObject({ code: 101, msg: expect.stringContaining('eth0 already exists') });
    expect(node.snapshot()).toEqual(before);
    expect(podLinks(pod)).toEqual(['eth0', 'lo', 'other0']);
  });

  it('after IPAM and the veth: the address is released and the veth deleted', () => {
    const before = primedNode();
    // The IPAM range lies outside podSubnet: caught only once host-local has answered.
    const config = node.config({ ipam: { type: 'host-local', subnet: '200.200.7.0/24', dataDir: node.dataDir } });
    const out = cni(node, { command: 'ADD', containerId: 'ctr-1', netns: netnsPath(pod), config });
    expect(out.json).toMatchObject({ code: 7, msg: expect.stringContaining('outside "podSubnet" 200.200.1.0/24') });
    expect(node.snapshot()).toEqual(before);
    expect(podLinks(pod)).toEqual(['lo']);
  });
});
