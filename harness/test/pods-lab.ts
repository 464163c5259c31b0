/**
 * Helpers of the install and pods lab tests: a lab on ranges of its own (so that it can be
 * up beside another lab on this machine), the CLI run as a user runs it, and what a person
 * would look at on a node.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ClusterState } from '../cluster/state.ts';
import { parseCidr } from '../cluster/cidr.ts';
import { diffSnapshots, takeSnapshot, type NetSnapshot } from '../install/snapshot.ts';
import { machine, mustReadState, runCli, testCluster, type CliResult } from './lab-cli.ts';

export interface PodsLab {
  state: ClusterState;
  cli(args: string[]): Promise<CliResult>;
  /** Runs the CLI and throws with its output when it does not exit 0. */
  ok(args: string[]): Promise<CliResult>;
  down(): Promise<void>;
}

/** Brings up a lab named `name` on 10.<n>.0.0/16, pods 200.<n>.0.0/16, outside 198.18.<n>.0/24. */
export async function podsLabUp(name: string, n: number): Promise<PodsLab> {
  const cluster = testCluster(name, await mkdtemp(join(tmpdir(), 'cni-lab-test-')));
  // The cluster's options go before `--`: what follows is the pod's command.
  const cli = (args: string[]): Promise<CliResult> => {
    const cut = args.includes('--') ? args.indexOf('--') : args.length;
    return runCli([...args.slice(0, cut), ...cluster.args, ...args.slice(cut)]);
  };
  const ok = async (args: string[]): Promise<CliResult> => {
    const res = await cli(args);
    if (res.code !== 0) throw new Error(`cni-lab ${args.join(' ')} exited ${res.code}:\n${res.stdout}\n${res.stderr}`);
    return res;
  };
  await cli(['cluster', 'down']);
  await ok(['cluster', 'up', '--host-network', `10.${n}.0.0/16`, '--pod-network', `200.${n}.0.0/16`, '--outside-network', `198.18.${n}.0/24`]);
  const state = await mustReadState(cluster.statePath);
  const down = async (): Promise<void> => {
    await cli(['cluster', 'down']);
    await rm(dirname(cluster.statePath), { recursive: true, force: true });
  };
  return { state, cli, ok, down };
}

export interface PodRow {
  name: string;
  status: string;
  ip: string;
  node: string;
  nodeIp: string;
}

/** `get pods -o wide` read back from its table, as a person reads it. */
export function parsePodTable(stdout: string): PodRow[] {
  const lines = stdout.split('\n');
  const end = lines.indexOf('Events:');
  return (end < 0 ? lines : lines.slice(0, end)).slice(1).filter(Boolean).map((l) => {
    const [name, status, ip, node, nodeIp] = l.trim().split(/\s+/);
    return { name: name!, status: status!, ip: ip!, node: node!, nodeIp: nodeIp! };
  });
}

export function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const n = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - c.prefix);
  return n >= c.base && n < c.base + size;
}

export async function snapshotNodes(state: ClusterState): Promise<Map<string, NetSnapshot>> {
  const snaps = await Promise.all(state.nodes.map((n) => takeSnapshot(machine(state, n.name))));
  return new Map(state.nodes.map((n, i) => [n.name, snaps[i]!]));
}

/** What differs between two snapshots of every node, as `node: difference` lines. */
export function snapshotDiffs(before: Map<string, NetSnapshot>, after: Map<string, NetSnapshot>): string[] {
  return [...before].flatMap(([node, snap]) => diffSnapshots(snap, after.get(node)!).map((d) => `${node}: ${d}`));
}

/** What a pod leaves on its node when DEL was not done: addresses in the IPAM store, namespaces, host veths. */
export async function podLeftovers(state: ClusterState, network: string): Promise<string[]> {
  const out: string[] = [];
  for (const n of state.nodes) {
    const node = machine(state, n.name);
    const store = await node.exec(['ls', `/var/lib/cni/networks/${network}`], { allowFailure: true });
    out.push(...store.stdout.split('\n').filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)).map((f) => `${n.name}: address ${f} still reserved`));
    const netns = await node.exec(['ip', 'netns', 'list']);
    out.push(...netns.stdout.split('\n').filter(Boolean).map((l) => `${n.name}: netns ${l}`));
    const veths = await node.exec(['ip', '-o', 'link', 'show', 'type', 'veth']);
    // The node's own eth0 is Docker's veth; any other is a pod's host end.
    const names = veths.stdout.split('\n').filter(Boolean).map((l) => l.split(':')[1]!.trim().split('@')[0]!);
    out.push(...names.filter((v) => v !== 'eth0').map((v) => `${n.name}: host veth ${v}`));
  }
  return out;
}

/** The SENT/CAPT/RCVD lines of my-nping, CAPT as the echo server saw the packet. */
export function captured(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('CAPT')).map((l) => l.replace(/^CAPT \([\d.]+s\) /, ''));
}
