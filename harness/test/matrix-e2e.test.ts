/**
 * The matrix end to end, and proof that it can fail: the same `npm run test:e2e` against a
 * correct plugin (all green) and against deliberately broken setups, each of which must
 * turn exactly its own cells red, in the JUnit and on the matrix page, and nothing else.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Cell } from '../matrix/expand.ts';
import { defaultStatePath, readState } from '../cluster/state.ts';
import { hostExec } from '../host-exec.ts';
import { getProvider } from '../providers/index.ts';
import { failedIds, runE2e, type E2eRun } from './e2e-run.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const RUN_MS = 900_000;

function expectExactlyRed(run: E2eRun, affected: (c: Cell) => boolean): void {
  const cells = run.matrix.filter((r) => r.status !== 'skipped');
  expect(cells.length, run.output.slice(-3000)).toBeGreaterThan(0);
  const predicted = cells.filter((r) => affected(r.cell)).map((r) => r.cell.id).sort();
  expect(predicted.length, 'a broken setup must affect some cells').toBeGreaterThan(0);
  const { junit, matrix } = failedIds(run);
  expect(matrix).toEqual(predicted);
  expect(junit).toEqual(predicted);
  expect(run.exitCode).not.toBe(0);
  // A failed cell carries its evidence: the raw probe, and each involved node's state.
  const first = run.matrix.find((r) => r.status === 'failed')!;
  const nodes = [first.cell.source.node, first.cell.destination.node].filter((n): n is string => Boolean(n));
  const expected = ['nping', ...nodes.flatMap((n) => ['ip addr', 'ip route', 'iptables-save', 'plugin log'].map((what) => `${n}: ${what}`))];
  expect(run.attachments.get(first.cell.id)).toEqual(expect.arrayContaining(expected));
}

/** The cell ids of a run, as the matrix page lists them. */
const cellIds = (run: E2eRun): string[] => run.matrix.map((r) => r.cell.id).sort();

describe('npm run test:e2e', () => {
  let dockerIds: string[] = [];

  it('ends green with our plugin and writes every report', async () => {
    // Runs of other providers from before would join the side-by-side page below.
    rmSync(resolve(ROOT, 'reports/matrix/by-provider'), { recursive: true, force: true });
    const run = await runE2e([]);
    dockerIds = cellIds(run);
    expect(run.exitCode, run.output.slice(-4000)).toBe(0);
    expect(failedIds(run)).toEqual({ junit: [], matrix: [] });
    expect(run.matrix.filter((r) => r.status === 'passed').length).toBeGreaterThanOrEqual(100);
    for (const f of ['reports/html/index.html', 'reports/junit.xml', 'reports/results.json', 'reports/matrix/index.html', 'reports/matrix/screenshot.png']) {
      expect(existsSync(resolve(ROOT, f)), f).toBe(true);
    }
  }, RUN_MS);

  it('ends green on qemu VMs, with the same cells and ids as on docker, and the setup names the acceleration', async () => {
    const run = await runE2e(['--project', 'qemu']);
    expect(run.exitCode, run.output.slice(-4000)).toBe(0);
    expect(failedIds(run)).toEqual({ junit: [], matrix: [] });
    expect(run.matrix.filter((r) => r.status === 'passed').length).toBeGreaterThanOrEqual(100);
    expect(dockerIds.length, 'the docker run above must have run first').toBeGreaterThan(0);
    expect(cellIds(run)).toEqual(dockerIds);
    const results = JSON.parse(readFileSync(resolve(ROOT, 'reports/results.json'), 'utf8')) as { suites: { specs: { tests: { projectName: string; annotations: { type: string; description?: string }[] }[] }[] }[] };
    const setup = results.suites.flatMap((s) => s.specs).flatMap((s) => s.tests).find((t) => t.projectName === 'setup-qemu');
    expect(setup?.annotations).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'acceleration', description: expect.stringMatching(/^(kvm|tcg) \(/) })]));
    expect(run.output).toMatch(/VM acceleration: (kvm|tcg)/);
    // The two runs side by side: no cell differs.
    const compare = readFileSync(resolve(ROOT, 'reports/matrix/compare.html'), 'utf8');
    expect(compare).toContain(`all ${dockerIds.length} cells have the same outcome on docker and qemu`);
  }, RUN_MS);

  it('the reference bridge with ipMasq: true turns exactly the cross-node pod-to-pod and pod-to-node cells red', async () => {
    const run = await runE2e(['--plugin', '/usr/lib/cni/bridge', '--config', 'e2e/broken/reference-bridge-masq.conf.jsonnet']);
    // Its chain exempts only the node's own pod subnet: everything else from a pod is NATed.
    expectExactlyRed(run, (c) => c.source.kind === 'pod' && (c.destination.kind === 'pod' || c.destination.kind === 'node') && c.destination.node !== c.source.node);
  }, RUN_MS);

  it('our plugin without masquerade turns exactly the pod-to-outside cells red', async () => {
    const run = await runE2e(['--plugin', 'dist/my-cni-plugin', '--config', 'e2e/broken/no-masquerade.conf.jsonnet']);
    expectExactlyRed(run, (c) => c.source.kind === 'pod' && c.destination.kind === 'outside');
  }, RUN_MS);

  it("a node without the route to another node's pod subnet turns exactly the paths through it red", async () => {
    await hostExec(['./cluster.sh', 'up'], { what: 'cluster up' });
    const state = (await readState(defaultStatePath('lab')))!;
    const [w1, w2] = state.nodes.filter((n) => n.role === 'worker');
    // worker-1 loses its route to worker-2's pod subnet (the lab's counterpart of a VPC route).
    await getProvider(state.provider).transport(state, w1!).exec(['ip', 'route', 'del', w2!.podCidr], { what: 'break the route' });
    const run = await runE2e([]);
    // Its traffic to worker-2's pods now takes the default route to the lab's router, which,
    // like a VPC, forwards between the host and pod networks (node-to-pod still works) but
    // not from pod to pod: every pod-to-pod path between the two workers breaks, both ways
    // (a reply is a path too).
    const podOn = (e: Cell['source'], node: string) => e.kind === 'pod' && e.node === node;
    const [a, b] = [w1!.name, w2!.name];
    expectExactlyRed(run, (c) => (podOn(c.source, a) && podOn(c.destination, b)) || (podOn(c.source, b) && podOn(c.destination, a)));
  }, RUN_MS);
});
