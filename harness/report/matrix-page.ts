import { protocolId } from '../matrix/scenario.ts';
import type { CellResult, CellStatus, RunInfo } from './cell-result.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SYMBOL: Record<CellStatus, string> = { passed: '✓', failed: '✗', flaky: '!', skipped: '–' };

/** Groups results into one table per scenario and protocol, keeping the expansion order. */
function tables(results: CellResult[]): Map<string, CellResult[]> {
  const out = new Map<string, CellResult[]>();
  for (const r of results) {
    const key = `${r.cell.scenario} · ${protocolId(r.cell.protocol)}`;
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}

function cellHtml(r: CellResult): string {
  const { cell, observation: obs } = r;
  const expected = cell.expect.reach ? `${cell.expect.source}: ${cell.expectedSources.join(' or ') || '?'}` : 'not reached';
  const seen = r.status === 'skipped' ? '' : obs?.reached ? `saw ${obs.sourceSeen ?? '?'}` : 'not reached';
  const rtt = obs?.rttMs !== undefined ? `${obs.rttMs.toFixed(2)} ms` : '';
  const raw = r.status === 'skipped' ? '' : `<details><summary>raw</summary><pre>${esc(`$ ${r.command ?? ''}\n${r.raw ?? ''}`)}</pre></details>`;
  return `<td class="${r.status}" id="${esc(cell.id)}" title="${esc(`${cell.id}\n${r.reason}`)}">
  <div class="verdict">${SYMBOL[r.status]} ${r.status}${r.attempts > 1 ? ` (${r.attempts} tries)` : ''}</div>
  <div class="exp">expected ${esc(expected)}</div>
  ${seen ? `<div class="obs">${esc(seen)}${rtt ? ` · ${esc(rtt)}` : ''}</div>` : ''}
  <div class="reason">${esc(r.reason)}</div>${raw}</td>`;
}

function tableHtml(title: string, results: CellResult[]): string {
  const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const rows = [...new Set(results.map((r) => r.cell.source.name))].sort(natural);
  const cols = [...new Set(results.map((r) => r.cell.destination.name))].sort(natural);
  const at = new Map<string, CellResult[]>();
  for (const r of results) {
    const k = `${r.cell.source.name}\u0000${r.cell.destination.name}`;
    at.set(k, [...(at.get(k) ?? []), r]);
  }
  const label = (name: string, pick: (r: CellResult) => { name: string; ip: string; node?: string }) => {
    const e = results.map(pick).find((x) => x.name === name)!;
    return `${esc(name)}<small>${esc(e.ip)}${e.node && e.node !== name ? ` · ${esc(e.node)}` : ''}</small>`;
  };
  const body = rows.map((row) => {
    const tds = cols.map((col) => {
      const rs = at.get(`${row}\u0000${col}`) ?? [];
      return rs.length === 0 ? '<td class="none"></td>' : rs.map(cellHtml).join('');
    });
    return `<tr><th scope="row">${label(row, (r) => r.cell.source)}</th>${tds.join('')}</tr>`;
  });
  const count = (s: CellStatus) => results.filter((r) => r.status === s).length;
  return `<section><h2>${esc(title)} <span class="counts">${count('passed')} passed · ${count('failed')} failed · ${count('flaky')} flaky · ${count('skipped')} skipped</span></h2>
<table><thead><tr><th class="corner">from \\ to</th>${cols.map((c) => `<th scope="col">${label(c, (r) => r.cell.destination)}</th>`).join('')}</tr></thead>
<tbody>${body.join('\n')}</tbody></table></section>`;
}

/** The matrix page: self-contained HTML, readable by opening the file, no server. */
export function renderMatrixPage(results: CellResult[], info: RunInfo): string {
  const count = (s: CellStatus) => results.filter((r) => r.status === s).length;
  const overall = count('failed') > 0 ? 'failed' : count('flaky') > 0 ? 'flaky' : 'passed';
  const sections = [...tables(results)].map(([title, rs]) => tableHtml(title, rs)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
.meta{color:#57606a;margin-bottom:12px} .counts{font-weight:normal;color:#57606a;font-size:13px}
.banner{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600;color:#fff}
.banner.passed{background:#1a7f37}.banner.failed{background:#cf222e}.banner.flaky{background:#bf8700}
table{border-collapse:collapse} th,td{border:1px solid #d0d7de;padding:6px 8px;vertical-align:top;text-align:left}
th small{display:block;font-weight:normal;color:#57606a;font-size:12px} th.corner{color:#57606a;font-weight:normal}
td{min-width:170px;font-size:12px} td.none{background:#f6f8fa}
td.passed{background:#dafbe1} td.failed{background:#ffebe9} td.flaky{background:#fff8c5} td.skipped{background:#eaeef2;color:#57606a}
.verdict{font-weight:600;font-size:13px} td.failed .verdict{color:#cf222e} td.passed .verdict{color:#1a7f37}
.reason{color:#57606a} pre{white-space:pre-wrap;font-size:11px;max-width:480px;margin:4px 0 0}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #d0d7de}
</style></head><body>
<h1>${esc(info.title)}</h1>
<div class="meta">plugin ${esc(info.plugin)} · provider ${esc(info.provider)} · ${esc(info.startedAt)} · ${(info.durationMs / 1000).toFixed(1)} s</div>
<div><span class="banner ${overall}">${overall}</span> ${results.length} cells: ${count('passed')} passed, ${count('failed')} failed, ${count('flaky')} flaky, ${count('skipped')} skipped</div>
<p class="legend"><span class="passed" style="background:#dafbe1">✓ passed</span><span style="background:#ffebe9">✗ failed</span><span style="background:#fff8c5">! flaky: passed only on a retry</span><span style="background:#eaeef2">– skipped</span>
Rows are sources, columns destinations. Each cell shows the source address the receiver must see and the one it saw; "raw" opens the probe's nping output.</p>
${sections}
</body></html>
`;
}
