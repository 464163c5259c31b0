import { describe, expect, it } from 'vitest';
import { cellFor } from '../matrix/test-cells.ts';
import type { CellResult } from './cell-result.ts';
import { compareRuns, renderComparePage, type ProviderRun } from './compare-page.ts';

const info = (provider: string) => ({ title: 'Connectivity matrix', provider, plugin: 'my-cni-plugin', startedAt: '2026-12-03T17:00:00Z', durationMs: 60_000 });
const reached = (cell: CellResult['cell'], sourceSeen: string): CellResult => ({
  cell, status: 'passed', reason: 'reached', attempts: 1, observation: { reached: true, sourceSeen, lines: [] },
});

const a = cellFor({});
const b = cellFor({ id: 'pod-to-pod/other-node/pod-1->pod-4/udp-53', destination: { kind: 'pod', name: 'pod-4', ip: '200.200.2.3', node: 'my-k8s-worker-2' } });
const c = cellFor({ id: 'pod-to-outside/pod-1->echo/icmp' });
const mine = a.expectedSources[0]!;

describe('the side-by-side page', () => {
  it('finds no difference between two runs with the same outcomes, even on other addresses', () => {
    const docker: ProviderRun = { info: info('docker'), results: [reached(a, mine), reached(b, mine)] };
    // Another cluster's ranges: other addresses, the same cells, each seeing its own expected source.
    const elsewhere = (c: typeof a) => ({ ...c, source: { ...c.source, ip: '10.244.1.2' }, expectedSources: ['10.244.1.2'] });
    const qemu: ProviderRun = { info: info('qemu'), results: [reached(elsewhere(b), '10.244.1.2'), reached(elsewhere(a), '10.244.1.2')] };
    expect(compareRuns([docker, qemu])).toEqual({ providers: ['docker', 'qemu'], ids: [a.id, b.id], differences: [] });
    const html = renderComparePage([docker, qemu]);
    expect(html).toContain('all 2 cells have the same outcome on docker and qemu');
    expect(html.match(/<tr class="same">/g)).toHaveLength(2);
  });

  it('lists first the cells whose outcome or seen source differ, and cells only one run has', () => {
    const docker: ProviderRun = { info: info('docker'), results: [reached(a, mine), reached(b, mine), reached(c, mine)] };
    const qemu: ProviderRun = {
      info: info('qemu'),
      results: [
        reached(a, mine),
        { ...reached(b, '10.0.0.3'), status: 'failed', reason: 'the receiver saw source 10.0.0.3' },
      ],
    };
    expect(compareRuns([docker, qemu]).differences).toEqual([b.id, c.id]);
    const html = renderComparePage([docker, qemu]);
    expect(html).toContain('2 differ</span> of 3 cells');
    const rows = html.match(/<tr class="(differs|same)"><th scope="row">[^<]*/g)!;
    expect(rows.map((r) => r.replace(/.*row">/, '').replace('&#62;', '>'))).toEqual([b.id, c.id, a.id]);
    expect(html).toContain('<td class="failed" title="the receiver saw source 10.0.0.3">✗ failed<small>saw 10.0.0.3</small></td>');
    expect(html).toContain('<td class="missing">no such cell</td>');
  });
});
