import type { CellResult, CellStatus, RunInfo } from './cell-result.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const SYMBOL: Record<CellStatus, string> = { passed: '✓', failed: '✗', flaky: '!', skipped: '–' };

/** One provider's last run of one plugin, config and scope, as the matrix reporter keeps it (reports/matrix/by-provider/). */
export interface ProviderRun {
  info: RunInfo;
  results: CellResult[];
}

export interface Comparison {
  providers: string[];
  /** Every cell id of any run, in the first run's order, then the others' extra ones. */
  ids: string[];
  /** Cell ids whose outcome or seen source differs between runs, or that some run lacks. */
  differences: string[];
}

/** What a reader of two runs wants first: which cells differ, and how. */
export function compareRuns(runs: ProviderRun[]): Comparison {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const r of run.results) {
      if (!seen.has(r.cell.id)) {
        seen.add(r.cell.id);
        ids.push(r.cell.id);
      }
    }
  }
  const byRun = runs.map((run) => new Map(run.results.map((r) => [r.cell.id, r])));
  const outcome = (r: CellResult | undefined): string => (r ? `${r.status}|${r.observation?.reached ? 'reached' : 'not'}|${sourceClass(r)}` : 'missing');
  const differences = ids.filter((id) => new Set(byRun.map((m) => outcome(m.get(id)))).size > 1);
  return { providers: runs.map((r) => r.info.provider), ids, differences };
}

/**
 * Addresses differ between clusters in principle (another lab may use other ranges), so runs
 * are compared on what the address is: the expected one or not.
 */
function sourceClass(r: CellResult): string {
  const seen = r.observation?.sourceSeen;
  if (!seen) return '-';
  return r.cell.expectedSources.includes(seen) ? 'expected-source' : `other-source`;
}

function cellHtml(r: CellResult | undefined): string {
  if (!r) return '<td class="missing">no such cell</td>';
  const seen = r.status === 'skipped' ? r.reason : r.observation?.reached ? `saw ${r.observation.sourceSeen ?? '?'}` : 'not reached';
  return `<td class="${r.status}" title="${esc(r.reason)}">${SYMBOL[r.status]} ${r.status}${r.attempts > 1 ? ` (${r.attempts} tries)` : ''}<small>${esc(seen)}</small></td>`;
}

/** Cells as rows, providers as columns; the cells that differ first. Self-contained HTML. */
export function renderComparePage(runs: ProviderRun[]): string {
  const cmp = compareRuns(runs);
  const byRun = runs.map((run) => new Map(run.results.map((r) => [r.cell.id, r])));
  const differ = new Set(cmp.differences);
  const ordered = [...cmp.differences, ...cmp.ids.filter((id) => !differ.has(id))];
  const rows = ordered.map(
    (id) => `<tr class="${differ.has(id) ? 'differs' : 'same'}"><th scope="row">${esc(id)}</th>${byRun.map((m) => cellHtml(m.get(id))).join('')}</tr>`,
  );
  const head = runs
    .map((r) => `<th scope="col">${esc(r.info.provider)}<small>${esc([r.info.plugin, r.info.config, r.info.scope].filter(Boolean).join(' · '))}</small><small>${esc(r.info.startedAt)} · ${(r.info.durationMs / 1000).toFixed(1)} s</small></th>`)
    .join('');
  const verdict = cmp.differences.length === 0
    ? `<span class="banner same">same</span> all ${cmp.ids.length} cells have the same outcome on ${esc(new Intl.ListFormat('en', { type: 'conjunction' }).format(cmp.providers))}`
    : `<span class="banner differs">${cmp.differences.length} differ</span> of ${cmp.ids.length} cells; they are listed first`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connectivity matrix: ${esc(cmp.providers.join(' vs '))}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 8px} p{color:#57606a}
.banner{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600;color:#fff}
.banner.same{background:#1a7f37}.banner.differs{background:#cf222e}
table{border-collapse:collapse;margin-top:12px} th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;font-size:12px}
th small,td small{display:block;font-weight:normal;color:#57606a}
tr.differs th{background:#ffebe9} td.passed{background:#dafbe1} td.failed{background:#ffebe9} td.flaky{background:#fff8c5}
td.skipped{background:#eaeef2;color:#57606a} td.missing{background:#fff;color:#cf222e}
</style></head><body>
<h1>Connectivity matrix: ${esc(cmp.providers.join(' vs '))}</h1>
<div>${verdict}</div>
<p>The last run of each provider, cell by cell. Cells compare on their outcome and on whether the receiver saw the expected source (the addresses themselves may differ between clusters).</p>
<table><thead><tr><th>cell</th>${head}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</body></html>
`;
}
