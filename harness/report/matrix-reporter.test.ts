import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullResult, TestCase, TestResult } from '@playwright/test/reporter';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLUGIN } from '../install/install.ts';
import { cellFor } from '../matrix/test-cells.ts';
import type { CellResult } from './cell-result.ts';
import MatrixReporter, { CELL_ATTACHMENT } from './matrix-reporter.ts';

const dir = mkdtempSync(join(tmpdir(), 'cni-lab-reporter-'));
const page = join(dir, 'index.html');
const compare = join(dir, 'compare.html');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** The environment a run's reporter reads. */
const RUN_ENV = ['LAB_PROVIDER', 'CNI_PLUGIN', 'CNI_CONFIG', 'SCENARIO', 'LAB_WORKERS'];
const saved = { ...process.env };
afterEach(() => {
  for (const k of RUN_ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const cells = [cellFor({}), cellFor({ id: 'pod-to-outside/pod-1->echo/icmp' })];

/** One Playwright run through the reporter, each cell passing, with the run's environment. */
function run(env: Record<string, string>, status: FullResult['status'] = 'passed', only = cells.length): void {
  for (const k of RUN_ENV) delete process.env[k];
  Object.assign(process.env, env);
  const r = new MatrixReporter({ outputFile: page });
  for (const cell of cells.slice(0, only)) {
    const result: CellResult = { cell, status: 'passed', reason: 'reached', attempts: 1, observation: { reached: true, sourceSeen: cell.expectedSources[0]!, lines: [] } };
    r.onTestEnd({ id: cell.id, outcome: () => 'expected' } as unknown as TestCase, {
      retry: 0, attachments: [{ name: CELL_ATTACHMENT, contentType: 'application/json', body: Buffer.from(JSON.stringify(result)) }],
    } as unknown as TestResult);
  }
  r.onEnd({ status, duration: 1000 } as FullResult);
}

describe('the matrix reporter keeps each provider\'s last run and compares only like with like', () => {
  it('sets two providers side by side only for the same plugin, config and scope, and never keeps an interrupted run', () => {
    run({ LAB_PROVIDER: 'docker' });
    expect(existsSync(compare)).toBe(false);
    // One scenario on qemu is not set against docker's full run.
    run({ LAB_PROVIDER: 'qemu', SCENARIO: 'pod-to-pod' });
    expect(existsSync(compare)).toBe(false);
    // A broken config (with the default plugin named explicitly) is not either.
    run({ LAB_PROVIDER: 'qemu', CNI_PLUGIN: DEFAULT_PLUGIN, CNI_CONFIG: join(dir, 'no-masquerade.conf.jsonnet') });
    expect(existsSync(compare)).toBe(false);
    // The same plugin, named or not, the same config and scope: compared.
    run({ LAB_PROVIDER: 'qemu', CNI_PLUGIN: DEFAULT_PLUGIN });
    expect(readFileSync(compare, 'utf8')).toContain('all 2 cells have the same outcome on docker and qemu');
    // An interrupted docker run with one cell does not replace docker's last run.
    run({ LAB_PROVIDER: 'docker' }, 'interrupted', 1);
    run({ LAB_PROVIDER: 'qemu' });
    expect(readFileSync(compare, 'utf8')).toContain('all 2 cells have the same outcome on docker and qemu');
    expect(readdirSync(join(dir, 'by-provider'))).toHaveLength(4);
  });
});
