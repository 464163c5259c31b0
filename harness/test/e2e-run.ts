/** Runs `npm run test:e2e` as a user would, and reads back what it reported. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CellResult } from '../report/cell-result.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface E2eRun {
  exitCode: number;
  output: string;
  /** Cell id -> passed/failed, from reports/junit.xml (skipped cells are left out). */
  junit: Map<string, 'passed' | 'failed'>;
  /** The matrix page's data, reports/matrix/index.json. */
  matrix: CellResult[];
  /** Cell id -> names of the attachments of its last attempt, from reports/results.json. */
  attachments: Map<string, string[]>;
}

export function runE2e(args: string[], env: Record<string, string> = {}): Promise<E2eRun> {
  return new Promise((done, fail) => {
    const child = spawn('npx', ['tsx', 'harness/e2e/run-e2e.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => {
      try {
        done({ exitCode: code ?? -1, output, junit: readJunit(), matrix: readMatrix(), attachments: readAttachments() });
      } catch (err) {
        fail(new Error(`${String(err)}\n--- test:e2e output ---\n${output.slice(-4000)}`));
      }
    });
  });
}

const unescape = (s: string) => s.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function readJunit(): Map<string, 'passed' | 'failed'> {
  const xml = readFileSync(resolve(ROOT, 'reports/junit.xml'), 'utf8');
  const out = new Map<string, 'passed' | 'failed'>();
  for (const m of xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const name = unescape(m[1]!);
    if (!name.includes('->')) continue;
    const body = m[2] ?? '';
    if (body.includes('<skipped')) continue;
    out.set(name, body.includes('<failure') ? 'failed' : 'passed');
  }
  return out;
}

function readMatrix(): CellResult[] {
  const file = resolve(ROOT, 'reports/matrix/index.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CellResult[]) : [];
}

/** The ids of failed cells, as JUnit and as the matrix page report them. */
export function failedIds(run: E2eRun): { junit: string[]; matrix: string[] } {
  return {
    junit: [...run.junit].filter(([, s]) => s === 'failed').map(([id]) => id).sort(),
    matrix: run.matrix.filter((r) => r.status === 'failed').map((r) => r.cell.id).sort(),
  };
}

interface JsonSuite {
  suites?: JsonSuite[];
  specs?: { title: string; tests: { results: { attachments: { name: string }[] }[] }[] }[];
}

function readAttachments(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (s: JsonSuite): void => {
    for (const spec of s.specs ?? []) {
      const results = spec.tests[0]?.results ?? [];
      out.set(spec.title, results.at(-1)?.attachments.map((a) => a.name) ?? []);
    }
    for (const child of s.suites ?? []) walk(child);
  };
  const report = JSON.parse(readFileSync(resolve(ROOT, 'reports/results.json'), 'utf8')) as JsonSuite;
  walk(report);
  return out;
}
