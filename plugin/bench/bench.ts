/**
 * npm run bench:plugin — ADD and DEL latency of my-cni-plugin beside the reference
 * bridge + host-local, measured in the same run, on the same machine, alternating pod by
 * pod so that drift hits both alike. Each side gets its own node namespace. Timings are
 * reported, never asserted: this is a benchmark, not a test.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PODS = Number(process.env.BENCH_PODS ?? 30);
const VERSION_RUNS = 50;
const PLUGIN = resolve(import.meta.dirname, '../../dist/my-cni-plugin');
const REF_DIR = '/usr/lib/cni';
const prefix = `cnib${process.pid.toString(36)}`;

interface Side {
  label: string;
  node: string;
  binary: string;
  config: string;
  dir: string;
  add: number[];
  del: number[];
  version: number[];
}

function must(argv: string[]): void {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
}

/** Wall time of one plugin call inside the side's node namespace, in milliseconds. */
function timed(side: Side, env: Record<string, string>, input: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ip', ['netns', 'exec', side.node, side.binary], { env: { PATH: process.env.PATH, ...env }, input, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${side.label} ${env.CNI_COMMAND} failed: ${r.stdout} ${r.stderr}`);
  return ms;
}

function side(label: string, binary: string, conf: (dir: string) => object): Side {
  const dir = mkdtempSync(join(tmpdir(), 'cni-bench-'));
  const node = `${prefix}-${label.replace(/\W/g, '')}`;
  must(['ip', 'netns', 'add', node]);
  return { label, node, binary, config: JSON.stringify(conf(dir)), dir, add: [], del: [], version: [] };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (ms: number): string => ms.toFixed(1).padStart(7);

function main(): void {
  const sides = [
    side('my-cni-plugin', PLUGIN, (dir) => ({
      cniVersion: '1.0.0', name: 'benchnet', type: 'my-cni-plugin', podNetwork: '200.200.0.0/16', hostNetwork: '10.0.0.0/16',
      podSubnet: '200.200.1.0/24', logFile: join(dir, 'log'), ipam: { type: 'host-local', subnet: '200.200.1.0/24', dataDir: dir, routes: [{ dst: '0.0.0.0/0' }] },
    })),
    side('reference bridge+host-local', join(REF_DIR, 'bridge'), (dir) => ({
      cniVersion: '1.0.0', name: 'benchnet', type: 'bridge', bridge: 'cni0', isGateway: true, isDefaultGateway: true, ipMasq: true, hairpinMode: true,
      ipam: { type: 'host-local', subnet: '200.200.1.0/24', dataDir: dir },
    })),
  ];
  const pods = Array.from({ length: PODS }, (_, i) => `${prefix}-p${i}`);
  try {
    console.log(`bench: ${PODS} pods per plugin, alternating; VERSION x${VERSION_RUNS} for start-up`);
    for (let i = 0; i < VERSION_RUNS; i++) for (const s of sides) s.version.push(timed(s, { CNI_COMMAND: 'VERSION' }, ''));
    for (const s of sides) for (const p of pods) must(['ip', 'netns', 'add', `${p}-${sides.indexOf(s)}`]);
    const env = (s: Side, cmd: string, i: number) => ({
      CNI_COMMAND: cmd, CNI_CONTAINERID: `bench-${i}`, CNI_NETNS: `/run/netns/${pods[i]}-${sides.indexOf(s)}`, CNI_IFNAME: 'eth0', CNI_PATH: REF_DIR,
    });
    for (let i = 0; i < PODS; i++) for (const s of sides) s.add.push(timed(s, env(s, 'ADD', i), s.config));
    for (let i = 0; i < PODS; i++) for (const s of sides) s.del.push(timed(s, env(s, 'DEL', i), s.config));
    report(sides);
  } finally {
    for (const s of sides) {
      for (const p of pods) spawnSync('ip', ['netns', 'del', `${p}-${sides.indexOf(s)}`]);
      spawnSync('ip', ['netns', 'del', s.node]);
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

function report(sides: Side[]): void {
  const [ours, ref] = sides as [Side, Side];
  const rows = (['version', 'add', 'del'] as const).map((k) => ({
    op: k === 'version' ? 'start-up (VERSION)' : k.toUpperCase(),
    ours: { p50: pct(ours[k], 50), p95: pct(ours[k], 95) },
    ref: { p50: pct(ref[k], 50), p95: pct(ref[k], 95) },
  }));
  console.log('\nms (wall, incl. `ip netns exec`)   my-cni-plugin p50/p95   reference p50/p95   ratio p50 (ours/ref)');
  for (const r of rows) {
    console.log(`${r.op.padEnd(34)} ${fmt(r.ours.p50)} ${fmt(r.ours.p95)}      ${fmt(r.ref.p50)} ${fmt(r.ref.p95)}      ${(r.ours.p50 / r.ref.p50).toFixed(2)}`);
  }
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench-plugin.json', JSON.stringify({ pods: PODS, when: new Date().toISOString(), rows, raw: sides.map((s) => ({ label: s.label, add: s.add, del: s.del, version: s.version })) }, null, 2));
  console.log('\nraw samples: reports/bench-plugin.json');
}

main();
