/**
 * The first datapath test, before any cluster exists: two "nodes" joined by a link (the
 * host network), a route between their pod subnets (what the cluster, not the plugin,
 * provides), an "outside" host behind node 1, and nping in echo mode so that each probe
 * reports the source address the receiver saw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNping } from '../../harness/matrix/nping-output.ts';
import { TestNode, add, addNetns, destroyAll, must } from './lab-netns.ts';

const SECRET = 'cni-test';
let node1: TestNode;
let node2: TestNode;
let outside: string;
let podA: string;
let podB: string;
let podC: string;
const servers: ChildProcess[] = [];

function link(a: string, aAddr: string, b: string, bAddr: string, name: string): void {
  must(['ip', 'link', 'add', `${name}a`, 'netns', a, 'type', 'veth', 'peer', 'name', `${name}b`, 'netns', b]);
  must(['ip', '-n', a, 'addr', 'add', aAddr, 'dev', `${name}a`]);
  must(['ip', '-n', b, 'addr', 'add', bAddr, 'dev', `${name}b`]);
  must(['ip', '-n', a, 'link', 'set', `${name}a`, 'up']);
  must(['ip', '-n', b, 'link', 'set', `${name}b`, 'up']);
}

function echoServer(ns: string): void {
  const child = spawn('ip', ['netns', 'exec', ns, 'nping', '--echo-server', SECRET, '--no-crypto', '--interface', 'any', '-v0'], { stdio: 'ignore' });
  servers.push(child);
}

/** One nping echo probe; returns the source address in the CAPT line (what the receiver saw). */
function sourceSeen(fromNs: string, to: string, proto: string): string | undefined {
  const args = { tcp: ['--tcp', '-p', '80'], udp: ['--udp', '-p', '53'], icmp: ['--icmp'] }[proto]!;
  for (let attempt = 0; attempt < 3; attempt++) {
    const out = must(['ip', 'netns', 'exec', fromNs, 'nping', '--echo-client', SECRET, '--no-crypto', ...args, '-c', '1', '--delay', '200ms', to]);
    const seen = parseNping(out).sourceSeen;
    if (seen) return seen;
  }
  return undefined;
}

beforeAll(() => {
  node1 = new TestNode({ podSubnet: '200.200.1.0/24' });
  node2 = new TestNode({ podSubnet: '200.200.2.0/24' });
  outside = addNetns('outside');
  link(node1.ns, '10.0.0.3/16', node2.ns, '10.0.0.4/16', 'hn');
  link(node1.ns, '198.51.100.1/24', outside, '198.51.100.10/24', 'wn');
  must(['ip', '-n', node1.ns, 'route', 'add', '200.200.2.0/24', 'via', '10.0.0.4']);
  must(['ip', '-n', node2.ns, 'route', 'add', '200.200.1.0/24', 'via', '10.0.0.3']);
  must(['ip', '-n', node2.ns, 'route', 'add', 'default', 'via', '10.0.0.3']);
  // Docker and firewalls leave FORWARD at DROP: the plugin's own rules must carry pod traffic.
  for (const n of [node1, node2]) must(['ip', 'netns', 'exec', n.ns, 'iptables', '-P', 'FORWARD', 'DROP']);
  // The outside host has no route to any pod: only a masqueraded packet can be answered.
  podA = addNetns('pod');
  podC = addNetns('pod');
  podB = addNetns('pod');
  add(node1, podA, 'pod-a');
  add(node1, podC, 'pod-c');
  add(node2, podB, 'pod-b');
  for (const ns of [podB, podC, node1.ns, node2.ns, outside]) echoServer(ns);
  // nping needs a moment to open its listening socket.
  must(['sleep', '1']);
});

afterAll(() => {
  for (const s of servers) s.kill('SIGKILL');
  node1.destroy();
  node2.destroy();
  destroyAll();
});

describe.each(['tcp', 'udp', 'icmp'])('%s', (proto) => {
  it('pod to pod on another node: no NAT, the receiver sees the sender pod', () => {
    expect(sourceSeen(podA, '200.200.2.2', proto)).toBe('200.200.1.2');
  });
  it('pod to pod on the same node: the receiver sees the sender pod', () => {
    expect(sourceSeen(podA, '200.200.1.3', proto)).toBe('200.200.1.2');
  });
  it('pod to another node: no NAT', () => {
    expect(sourceSeen(podA, '10.0.0.4', proto)).toBe('200.200.1.2');
  });
  it('pod to the outside: masqueraded to its node', () => {
    expect(sourceSeen(podA, '198.51.100.10', proto)).toBe('198.51.100.1');
  });
  it('pod to its own node: no NAT', () => {
    expect(sourceSeen(podA, '10.0.0.3', proto)).toBe('200.200.1.2');
  });
  it('node to a pod on the same node: the bridge address', () => {
    expect(sourceSeen(node1.ns, '200.200.1.3', proto)).toBe('200.200.1.1');
  });
  it('node to a pod on another node: the sending node address', () => {
    expect(sourceSeen(node1.ns, '200.200.2.2', proto)).toBe('10.0.0.3');
  });
});
