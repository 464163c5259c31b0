import { describe, expect, it } from 'vitest';
import { cellFor } from '../matrix/test-cells.ts';
import type { CellResult } from './cell-result.ts';
import { renderMatrixPage } from './matrix-page.ts';

const info = { title: 'Connectivity matrix', provider: 'docker', plugin: 'my-cni-plugin', startedAt: '2026-12-03T17:00:00Z', durationMs: 12_345 };
const obs = { reached: true, sourceSeen: '200.200.1.2', rttMs: 0.25, lines: ['CAPT (0.1s) UDP 200.200.1.2:53 > 200.200.2.2:53'] };

const results: CellResult[] = [
  { cell: cellFor({}), status: 'passed', reason: 'reached', attempts: 1, observation: obs, command: 'nping --echo-client x --udp -p 53 200.200.2.2', raw: obs.lines[0] },
  {
    cell: cellFor({ id: 'pod-to-pod/other-node/pod-1->pod-4/udp-53', destination: { kind: 'pod', name: 'pod-4', ip: '200.200.2.3', node: 'my-k8s-worker-2' } }),
    status: 'failed', reason: 'the receiver saw source 10.0.0.3, expected client-pod-ip (200.200.1.2)', attempts: 2,
    observation: { ...obs, sourceSeen: '10.0.0.3' }, command: 'nping <x>', raw: '<script>alert(1)</script>',
  },
  { cell: cellFor({ id: 'pod-to-pod/other-node/pod-3->pod-2/udp-53', source: { kind: 'pod', name: 'pod-3', ip: '200.200.1.3', node: 'my-k8s-worker-1' } }), status: 'flaky', reason: 'reached on the second try', attempts: 2, observation: obs },
  { cell: cellFor({ id: 'pod-to-pod/other-node/pod-3->pod-4/udp-53', source: { kind: 'pod', name: 'pod-3', ip: '200.200.1.3', node: 'my-k8s-worker-1' }, destination: { kind: 'pod', name: 'pod-4', ip: '200.200.2.3' }, skipped: 'no pod' }), status: 'skipped', reason: 'no pod', attempts: 0 },
];

describe('the matrix page', () => {
  const html = renderMatrixPage(results, info);

  it('has one table per scenario and protocol, sources as rows and destinations as columns', () => {
    expect(html.match(/<table>/g)).toHaveLength(1);
    expect(html).toContain('pod-to-pod · udp-53');
    expect(html.match(/<th scope="row">/g)).toHaveLength(2);
    expect(html.match(/<th scope="col">/g)).toHaveLength(2);
  });

  it('shows every cell with its status, the expected and the observed source, and the RTT', () => {
    for (const r of results) expect(html).toContain(`id="${r.cell.id.replace('>', '&#62;')}"`);
    expect(html).toContain('<td class="failed"');
    expect(html).toContain('expected client-pod-ip: 200.200.1.2');
    expect(html).toContain('saw 10.0.0.3 · 0.25 ms');
    expect(html).toContain('✗ failed (2 tries)');
    expect(html).toContain('! flaky');
    expect(html).toContain('1 passed, 1 failed, 1 flaky, 1 skipped');
    expect(html).toContain('<span class="banner failed">failed</span>');
  });

  it('keeps the raw output one click away, escaped', () => {
    expect(html).toContain('<details><summary>raw</summary><pre>$ nping &#60;x&#62;\n&#60;script&#62;alert(1)&#60;/script&#62;</pre></details>');
    expect(html).not.toContain('<script>');
  });
});
