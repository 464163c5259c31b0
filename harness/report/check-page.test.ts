import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cellFor } from '../matrix/test-cells.ts';
import type { CellResult } from './cell-result.ts';
import { checkMatrixPage } from './check-page.ts';
import { renderMatrixPage } from './matrix-page.ts';

it('headless Chromium shows every cell of a rendered matrix, coloured, in a non-blank screenshot', async () => {
  const pods = ['pod-1', 'pod-2', 'pod-3', 'pod-4'];
  const results: CellResult[] = pods.flatMap((src, i) =>
    pods.filter((d) => d !== src).map((dst, j) => ({
      cell: cellFor({ id: `pod-to-pod/any/${src}->${dst}/udp-53`, source: { kind: 'pod', name: src, ip: `200.200.1.${i + 2}` }, destination: { kind: 'pod', name: dst, ip: `200.200.2.${j + 2}` } }),
      status: (['passed', 'failed', 'flaky'] as const)[(i + j) % 3]!,
      reason: 'r',
      attempts: 1,
      observation: { reached: true, sourceSeen: '200.200.1.2', rttMs: 0.1, lines: [] },
    })),
  );
  const dir = mkdtempSync(join(tmpdir(), 'matrix-page-'));
  const html = join(dir, 'index.html');
  writeFileSync(html, renderMatrixPage(results, { title: 't', provider: 'docker', plugin: 'p', startedAt: 'now', durationMs: 1 }));
  try {
    const check = await checkMatrixPage(html, join(dir, 'shot.png'), results.map((r) => r.cell.id));
    expect(check.problems).toEqual([]);
    expect(check.cells).toBe(12);
    expect(check.byStatus).toEqual({ passed: 4, failed: 4, flaky: 4 });
    // A PNG with real content: a blank page compresses to a few hundred bytes.
    const png = readFileSync(check.screenshot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
