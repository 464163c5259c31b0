/**
 * Helpers for the lab tests: run the real CLI as a user would, read the state it wrote,
 * reach machines through the provider's transport, and list what is left of a cluster.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readState, type ClusterState } from '../cluster/state.ts';
import { hostExec } from '../host-exec.ts';
import { DockerProvider } from '../providers/docker/provider.ts';
import type { NodeTransport } from '../providers/provider.ts';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cni-lab.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface SpawnCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Runs the CLI through this argv prefix, e.g. setpriv to drop root. */
  prefix?: string[];
}

export function spawnCli(args: string[], opts: SpawnCliOptions = {}): ChildProcess {
  const [file, ...rest] = [...(opts.prefix ?? []), process.execPath, CLI, ...args];
  return spawn(file!, rest, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
}

export function runCli(args: string[], opts: SpawnCliOptions = {}): Promise<CliResult> {
  const t0 = performance.now();
  const child = spawnCli(args, opts);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((res) => child.on('close', (code) => res({ code: code ?? 128, stdout, stderr, ms: performance.now() - t0 })));
}

/** A cluster of its own for one test file: its name and a state file in a temporary place. */
export function testCluster(name: string, dir: string): { args: string[]; statePath: string } {
  const statePath = join(dir, 'state.json');
  return { statePath, args: ['--name', name, '--state', statePath] };
}

export async function mustReadState(path: string): Promise<ClusterState> {
  const s = await readState(path);
  if (!s) throw new Error(`no state file at ${path}`);
  return s;
}

const provider = new DockerProvider();

/** Any machine of the lab (node, router, echo) by name. */
export function machine(state: ClusterState, name: string): NodeTransport {
  const node = state.nodes.find((n) => n.name === name);
  return node ? provider.transport(state, node) : provider.machine(state.name, name);
}

/** What the host still holds of the cluster, each list found the way a person would look. */
export async function hostLeftovers(cluster: string): Promise<{ containers: string[]; networks: string[]; rules: string[] }> {
  const label = ['--filter', `label=cni-lab.cluster=${cluster}`];
  const lines = (s: string): string[] => s.split('\n').filter(Boolean);
  const [ps, nets, rules] = await Promise.all([
    hostExec(['docker', 'ps', '-a', '--format', '{{.Names}}', ...label], { what: 'docker ps' }),
    hostExec(['docker', 'network', 'ls', '--format', '{{.Name}}', ...label], { what: 'docker network ls' }),
    hostExec(['iptables', '-w', '-S', 'DOCKER-USER'], { what: 'iptables -S DOCKER-USER' }),
  ]);
  return {
    containers: lines(ps.stdout),
    networks: lines(nets.stdout),
    rules: lines(rules.stdout).filter((r) => r.includes(`cni-lab cluster=${cluster} `)),
  };
}

export interface EchoObservation {
  sent: number;
  /** The packets as the echo server captured them: "TCP 10.0.0.2:1234 > 10.0.0.3:80 ...". */
  captured: string[];
  raw: string;
}

/** nping in echo mode (both sides need --no-crypto with this nmap and OpenSSL 3). */
export async function echoProbe(from: NodeTransport, to: string, secret: string, count = 1): Promise<EchoObservation> {
  const res = await from.exec(
    ['nping', '--echo-client', secret, '--no-crypto', '--tcp', '-p', '80', '-c', String(count), '--delay', '50ms', to],
    { what: `nping echo ${to}`, allowFailure: true },
  );
  const lines = res.stdout.split('\n');
  return {
    sent: lines.filter((l) => l.startsWith('SENT')).length,
    captured: lines.filter((l) => l.startsWith('CAPT')).map((l) => l.replace(/^CAPT \([\d.]+s\) /, '')),
    raw: `${res.stdout}${res.stderr}`,
  };
}
