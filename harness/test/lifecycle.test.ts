import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostExec } from '../host-exec.ts';
import { echoProbe, hostLeftovers, machine, mustReadState, runCli, spawnCli, testCluster } from './lab-cli.ts';

const CLUSTER = 'lifecycle';
// Ranges of its own, so this file does not collide with a lab someone keeps up (`lab`, on the
// seed's ranges); lab.test.ts is the one that checks the seed's topology.
const RANGES = ['--host-network', '10.43.0.0/16', '--outside-network', '198.18.43.0/24'];

/**
 * Starts `cluster up` and sends it a signal as soon as its first containers exist: SIGKILL
 * is a crash, SIGTERM a polite stop. Returns the containers seen and the CLI's exit.
 */
async function killUpHalfway(args: string[], signal: NodeJS.Signals = 'SIGKILL'): Promise<string[]> {
  return (await signalUpHalfway(args, signal)).seen;
}

async function signalUpHalfway(args: string[], signal: NodeJS.Signals): Promise<{ seen: string[]; code: number | null; stderr: string }> {
  const child = spawnCli(['cluster', 'up', ...args, ...RANGES]);
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  let seen: string[] = [];
  const deadline = Date.now() + 120_000;
  try {
    while (Date.now() < deadline) {
      const { containers } = await hostLeftovers(CLUSTER);
      if (containers.length > 0) {
        seen = containers;
        break;
      }
      if (child.exitCode !== null) throw new Error(`up finished (exit ${child.exitCode}) before any container appeared`);
      await new Promise((r) => setTimeout(r, 25));
    }
    if (seen.length === 0) throw new Error('no container of the lab appeared within 120 s');
  } finally {
    child.kill(signal);
  }
  return { seen, code: await exited, stderr };
}

describe('the lab after a crash', () => {
  let cluster: { args: string[]; statePath: string };

  beforeAll(async () => {
    cluster = testCluster(CLUSTER, await mkdtemp(join(tmpdir(), 'cni-lab-test-')));
    await runCli(['cluster', 'down', ...cluster.args]);
  });

  afterAll(async () => {
    if (!cluster) return;
    await runCli(['cluster', 'down', ...cluster.args]);
    await rm(dirname(cluster.statePath), { recursive: true, force: true });
  });

  it('an up killed halfway leaves resources and no state; the next up ends in a working lab', async () => {
    const seen = await killUpHalfway(cluster.args);
    expect(seen.length).toBeGreaterThan(0);
    expect(existsSync(cluster.statePath)).toBe(false);
    const left = await hostLeftovers(CLUSTER);
    expect(left.networks).toHaveLength(2);

    const up = await runCli(['cluster', 'up', ...cluster.args, ...RANGES]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/^✓ remove \d+ leftovers of an earlier up/m);
    const state = await mustReadState(cluster.statePath);
    const worker2 = state.nodes.find((n) => n.name === 'my-k8s-worker-2')!;
    const probe = await echoProbe(machine(state, 'my-k8s-master'), worker2.ip, state.outside.echoSecret);
    expect(probe.captured, probe.raw).toHaveLength(1);
    expect((await hostLeftovers(CLUSTER)).rules).toHaveLength(2);

    const down = await runCli(['cluster', 'down', ...cluster.args]);
    expect(down.code, down.stderr).toBe(0);
    expect(await hostLeftovers(CLUSTER)).toEqual({ containers: [], networks: [], rules: [] });
  });

  it('down after an up killed halfway leaves a clean machine, without any state file', async () => {
    await killUpHalfway(cluster.args);
    expect(existsSync(cluster.statePath)).toBe(false);
    const down = await runCli(['cluster', 'down', ...cluster.args]);
    expect(down.code, down.stderr).toBe(0);
    expect(await hostLeftovers(CLUSTER)).toEqual({ containers: [], networks: [], rules: [] });
  });

  it('up stopped with SIGTERM removes what it made and exits 143', async () => {
    const { seen, code, stderr } = await signalUpHalfway(cluster.args, 'SIGTERM');
    expect(seen.length).toBeGreaterThan(0);
    expect(stderr).toMatch(/SIGTERM: stopping after the current step/);
    expect(stderr).toMatch(/up interrupted: removing what it made/);
    expect(stderr.trim().split('\n').at(-1)).toBe('cni-lab: interrupted by SIGTERM');
    expect(code).toBe(143);
    expect(existsSync(cluster.statePath)).toBe(false);
    expect(await hostLeftovers(CLUSTER)).toEqual({ containers: [], networks: [], rules: [] });
  });

  it('up when a node of a running cluster is gone recreates the whole cluster', async () => {
    const first = await runCli(['cluster', 'up', ...cluster.args, ...RANGES]);
    expect(first.code, first.stderr).toBe(0);
    const before = await mustReadState(cluster.statePath);
    await hostExec(['docker', 'rm', '-f', `cni-lab-${CLUSTER}-my-k8s-worker-1`], { what: 'remove a node' });
    const status = await runCli(['cluster', 'status', ...cluster.args]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/my-k8s-worker-1\s+worker\s+10\.43\.0\.3\s+200\.200\.1\.0\/24\s+missing/);

    const again = await runCli(['cluster', 'up', ...cluster.args, ...RANGES]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/is broken \(my-k8s-worker-1 missing\): recreating it/);
    const after = await mustReadState(cluster.statePath);
    expect(after.nodes.map((n) => n.id)).not.toEqual(before.nodes.map((n) => n.id));
    expect((await runCli(['cluster', 'status', ...cluster.args])).code).toBe(0);
  });
});
