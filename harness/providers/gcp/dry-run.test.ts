import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCluster, SEED_TOPOLOGY } from '../../cluster/topology.ts';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'cni-lab.js');
const TIMEOUT_MS = 60_000; // each run starts the CLI through tsx, about 1.5 s
let dir: string;
let emptyBin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gcp-dry-run-'));
  emptyBin = await mkdtemp(join(tmpdir(), 'gcp-no-gcloud-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(emptyBin, { recursive: true, force: true });
});

/**
 * The real CLI with an empty directory as PATH, so no gcloud (this machine may have one in
 * /usr/bin, beside node; it must never run here), and no gcloud variables.
 */
function cli(...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLOUDSDK_') && !k.startsWith('CNI_LAB_GCP_')));
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...env, PATH: emptyBin }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Each numbered line: its number and the command, as sh splits it into words (so it pastes). */
function commands(stdout: string): { n: number; argv: string[] }[] {
  return stdout.trimEnd().split('\n').map((line) => {
    const m = /^\s*(\d+) {2}(.*) {2}# .*$/.exec(line);
    if (!m) throw new Error(`not a numbered command line: ${line}`);
    const sh = spawnSync('sh', ['-c', `printf '%s\\0' ${m[2]}`], { encoding: 'utf8' });
    expect(sh.status).toBe(0);
    return { n: Number(m[1]), argv: sh.stdout.split('\0').slice(0, -1) };
  }, TIMEOUT_MS);
}

describe('cluster up --provider gcp --dry-run', () => {
  it('prints every command numbered, pasteable, without gcloud, and writes nothing', async () => {
    const state = join(dir, 'up', 'state.json');
    const r = cli('cluster', 'up', '--provider', 'gcp', '--dry-run', '--project', 'p', '--zone', 'europe-west4-a', '--state', state);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cmds = commands(r.stdout);
    expect(cmds.map((c) => c.n)).toEqual(cmds.map((_, i) => i + 1));
    expect(cmds.every((c) => c.argv[0] === 'gcloud' && c.argv.includes('--project=p'))).toBe(true);
    expect(cmds[0]!.argv.slice(0, 5)).toEqual(['gcloud', 'compute', 'networks', 'create', 'cni-lab-lab']);
    const plan = planCluster(SEED_TOPOLOGY);
    const routes = cmds.filter((c) => c.argv[2] === 'routes').map((c) => c.argv.find((a) => a.startsWith('--destination-range='))!.split('=')[1]);
    expect(routes).toEqual(plan.nodes.map((n) => n.podCidr));
    // A node command, as sh hands it to gcloud compute ssh: one --command word.
    const init = cmds.find((c) => c.argv.some((a) => a.includes('kubeadm init')))!;
    expect(init.argv).toContain('cnilab@cni-lab-lab-my-k8s-master');
    expect(init.argv).toContain('--zone=europe-west4-a');
    expect(await readdir(dir)).toEqual([]);
  }, TIMEOUT_MS);

  it('counts one more VM, route, join and wait per extra worker', () => {
    const count = (workers: number) => commands(cli('cluster', 'up', '--provider', 'gcp', '--dry-run', '--project', 'p', '--workers', String(workers), '--state', join(dir, 'w', 'state.json')).stdout).length;
    const perNode = count(3) - count(2);
    expect(count(5) - count(2)).toBe(3 * perNode);
    expect(perNode).toBeGreaterThanOrEqual(1 + 1 + 1 + 8 + 2 + 2); // VM, route, SSH wait, install, echo server, join + wait
  }, TIMEOUT_MS);

  it('without a project: exit 2, naming --project and CLOUDSDK_CORE_PROJECT, nothing printed on stdout', () => {
    const r = cli('cluster', 'up', '--provider', 'gcp', '--dry-run', '--state', join(dir, 'np', 'state.json'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--project .*CLOUDSDK_CORE_PROJECT/);
  }, TIMEOUT_MS);

  it('a real up without gcloud: exit 1 naming the Google Cloud CLI and gcloud auth login', () => {
    const r = cli('cluster', 'up', '--provider', 'gcp', '--project', 'p', '--state', join(dir, 'real', 'state.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gcloud not found on PATH: install the Google Cloud CLI.*gcloud auth login/);
  }, TIMEOUT_MS);
});

describe('cluster down --provider gcp --dry-run', () => {
  it('prints the list commands, then the deletes in dependency order, and runs nothing', async () => {
    const r = cli('cluster', 'down', '--provider', 'gcp', '--dry-run', '--project', 'p', '--state', join(dir, 'down', 'state.json'));
    expect(r.code).toBe(0);
    const cmds = commands(r.stdout);
    const verbs = cmds.map((c) => `${c.argv.slice(2, c.argv.indexOf(c.argv.find((a) => a === 'list' || a === 'delete')!) + 1).join(' ')}`);
    expect(verbs).toEqual([
      'routes list', 'instances list', 'firewall-rules list', 'networks subnets list', 'networks list',
      'routes delete', 'instances delete', 'firewall-rules delete', 'networks subnets delete', 'networks delete',
    ]);
    expect(cmds.filter((c) => c.argv.includes('delete')).every((c) => c.argv.includes('--quiet'))).toBe(true);
    expect(await readdir(dir)).not.toContain('down');
  }, TIMEOUT_MS);
});
