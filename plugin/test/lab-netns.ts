/**
 * A tiny node-and-pod world in network namespaces for the plugin's tests: each "node" is a
 * namespace in which the plugin binary runs (so its bridge and iptables rules never touch
 * the machine), each "pod" a namespace it wires up. Everything is named with a per-run
 * prefix and removed by name.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PLUGIN = resolve(import.meta.dirname, '../../dist/my-cni-plugin');
export const REFERENCE_CNI_PATH = '/usr/lib/cni';

export function sh(argv: string[], input?: string): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

export function must(argv: string[], input?: string): string {
  const r = sh(argv, input);
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

let counter = 0;
const runId = `cnit${process.pid.toString(36)}`;

/** Namespaces created by this test file, removed by name in `destroyAll`. */
const created: string[] = [];

export function addNetns(role: string): string {
  const name = `${runId}-${role}${counter++}`;
  must(['ip', 'netns', 'add', name]);
  created.push(name);
  must(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

export function delNetns(name: string): void {
  sh(['ip', 'netns', 'del', name]);
  const i = created.indexOf(name);
  if (i >= 0) created.splice(i, 1);
}

export function destroyAll(): void {
  for (const name of [...created]) delNetns(name);
}

export const netnsPath = (name: string): string => `/run/netns/${name}`;

export interface NodeOptions {
  podSubnet?: string;
  podNetwork?: string;
  hostNetwork?: string;
  cniVersion?: string;
  extra?: Record<string, unknown>;
  ipam?: Record<string, unknown>;
}

/** A node namespace with its own IPAM store and log file, and the config our plugin gets there. */
export class TestNode {
  readonly ns: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly podSubnet: string;
  private readonly opts: NodeOptions;

  constructor(opts: NodeOptions = {}) {
    this.ns = addNetns('node');
    const dir = mkdtempSync(join(tmpdir(), 'cni-test-'));
    this.dataDir = join(dir, 'ipam');
    this.logFile = join(dir, 'my-cni-plugin.log');
    this.podSubnet = opts.podSubnet ?? '200.200.1.0/24';
    this.opts = opts;
  }

  config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      cniVersion: this.opts.cniVersion ?? '1.1.0',
      name: 'testnet',
      type: 'my-cni-plugin',
      podNetwork: this.opts.podNetwork ?? '200.200.0.0/16',
      hostNetwork: this.opts.hostNetwork ?? '10.0.0.0/16',
      podSubnet: this.podSubnet,
      logFile: this.logFile,
      ipam: { type: 'host-local', subnet: this.podSubnet, dataDir: this.dataDir, routes: [{ dst: '0.0.0.0/0' }], ...this.opts.ipam },
      ...this.opts.extra,
      ...overrides,
    };
  }

  /** The addresses host-local holds for this network: its store's files named by IP. */
  reservedIps(network = 'testnet'): string[] {
    try {
      return readdirSync(join(this.dataDir, network)).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)).sort();
    } catch {
      return [];
    }
  }

  /** Everything on the node that an attachment could leave behind. */
  snapshot(): { links: string[]; addrs: string[]; rules: string; ips: string[] } {
    const links = JSON.parse(must(['ip', '-n', this.ns, '-j', 'addr', 'show'])) as { ifname: string; addr_info: { local: string; prefixlen: number }[] }[];
    return {
      links: links.map((l) => l.ifname).sort(),
      addrs: links.flatMap((l) => l.addr_info.map((a) => `${l.ifname} ${a.local}/${a.prefixlen}`)).sort(),
      rules: iptablesRules(this.ns),
      ips: this.reservedIps(),
    };
  }

  destroy(): void {
    delNetns(this.ns);
    rmSync(join(this.dataDir, '..'), { recursive: true, force: true });
  }
}

/** iptables-save without comments lines and counters, comparable across time. */
export function iptablesRules(ns: string): string {
  return must(['ip', 'netns', 'exec', ns, 'iptables-save'])
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/, '[0:0]'))
    .join('\n');
}

export interface CniCall {
  command: string;
  containerId?: string;
  netns?: string;
  ifname?: string;
  path?: string;
  args?: string;
  /** Raw stdin; otherwise `config` is serialised. */
  stdin?: string;
  config?: Record<string, unknown>;
  /** Replace the whole CNI_* environment (for the missing-variable cases). */
  env?: Record<string, string>;
  plugin?: string;
}

export interface CniOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
  json?: Record<string, unknown> & { code?: number; msg?: string; details?: string };
}

function callArgs(node: TestNode, call: CniCall): { argv: string[]; env: NodeJS.ProcessEnv; input: string } {
  const cni: Record<string, string> = call.env ?? {
    CNI_COMMAND: call.command,
    CNI_CONTAINERID: call.containerId ?? '',
    CNI_NETNS: call.netns ?? '',
    CNI_IFNAME: call.ifname ?? 'eth0',
    CNI_PATH: call.path ?? REFERENCE_CNI_PATH,
    ...(call.args ? { CNI_ARGS: call.args } : {}),
  };
  return {
    argv: ['ip', 'netns', 'exec', node.ns, call.plugin ?? PLUGIN],
    env: { PATH: process.env.PATH, ...cni },
    input: call.stdin ?? JSON.stringify(call.config ?? node.config()),
  };
}

function parse(stdout: string, stderr: string, exitCode: number): CniOutput {
  let json: CniOutput['json'];
  try {
    json = stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    json = undefined;
  }
  return { exitCode, stdout, stderr, json };
}

/** Runs the plugin inside the node namespace, as a runtime would. */
export function cni(node: TestNode, call: CniCall): CniOutput {
  const { argv, env, input } = callArgs(node, call);
  const r = spawnSync(argv[0]!, argv.slice(1), { env, input, encoding: 'utf8' });
  return parse(r.stdout, r.stderr, r.status ?? -1);
}

export function cniAsync(node: TestNode, call: CniCall): Promise<CniOutput> {
  const { argv, env, input } = callArgs(node, call);
  return new Promise((done, fail) => {
    const child = spawn(argv[0]!, argv.slice(1), { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done(parse(stdout, stderr, code ?? -1)));
    child.stdin.end(input);
  });
}

/** A successful ADD's result, or a thrown error quoting the plugin's answer. */
export function add(node: TestNode, pod: string, containerId: string, extra: Partial<CniCall> = {}): Record<string, unknown> {
  const out = cni(node, { command: 'ADD', containerId, netns: netnsPath(pod), ...extra });
  if (out.exitCode !== 0 || !out.json) throw new Error(`ADD ${containerId} failed: ${out.stdout} ${out.stderr}`);
  return out.json;
}

export function podLinks(pod: string): string[] {
  return (JSON.parse(must(['ip', '-n', pod, '-j', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname).sort();
}
