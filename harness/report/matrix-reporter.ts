/**
 * A Playwright reporter that writes reports/matrix/index.html: every matrix test attaches
 * its cell result as JSON ("cell-result"), and this reporter files it under the test's
 * final outcome, so a cell that passed only on a retry shows as flaky, never as green.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { DEFAULT_PLUGIN, DEFAULT_TEMPLATE } from '../install/install.ts';
import type { CellResult, CellStatus, RunInfo } from './cell-result.ts';
import { renderComparePage, type ProviderRun } from './compare-page.ts';
import { renderMatrixPage } from './matrix-page.ts';

export const CELL_ATTACHMENT = 'cell-result';

interface Options {
  outputFile?: string;
  title?: string;
}

export default class MatrixReporter implements Reporter {
  private readonly cells = new Map<string, { test: TestCase; result: CellResult; attempts: number }>();
  private readonly startedAt = new Date();
  private readonly outputFile: string;
  private readonly title: string;

  constructor(options: Options = {}) {
    this.outputFile = resolve(options.outputFile ?? 'reports/matrix/index.html');
    this.title = options.title ?? 'Connectivity matrix';
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const attachment = result.attachments.find((a) => a.name === CELL_ATTACHMENT && a.body);
    if (!attachment?.body) return;
    const cell = JSON.parse(attachment.body.toString('utf8')) as CellResult;
    this.cells.set(test.id, { test, result: cell, attempts: result.retry + 1 });
  }

  onEnd(result: FullResult): void {
    if (this.cells.size === 0) return;
    const results = [...this.cells.values()].map(({ test, result: cell, attempts }) => {
      const outcome = test.outcome();
      const status: CellStatus = outcome === 'flaky' ? 'flaky' : outcome === 'skipped' ? 'skipped' : outcome === 'expected' ? 'passed' : 'failed';
      return { ...cell, status, attempts: status === 'skipped' ? 0 : attempts };
    });
    const env = process.env;
    const info: RunInfo = {
      title: this.title,
      provider: env.LAB_PROVIDER || 'docker',
      // The default plugin reads the same whether it was named or not.
      plugin: env.CNI_PLUGIN && resolve(env.CNI_PLUGIN) !== DEFAULT_PLUGIN ? env.CNI_PLUGIN : 'my-cni-plugin',
      config: env.CNI_CONFIG && resolve(env.CNI_CONFIG) !== DEFAULT_TEMPLATE ? env.CNI_CONFIG : basename(DEFAULT_TEMPLATE),
      scope: `${env.SCENARIO ? `scenario ${env.SCENARIO}` : 'every scenario'}, ${env.LAB_WORKERS || '2'} workers`,
      startedAt: this.startedAt.toISOString(),
      durationMs: result.duration,
    };
    const html = renderMatrixPage(results, info);
    mkdirSync(dirname(this.outputFile), { recursive: true });
    writeFileSync(this.outputFile, html);
    writeFileSync(this.outputFile.replace(/\.html$/, '.json'), JSON.stringify(results, null, 2));
    console.log(`matrix: ${results.length} cells -> ${this.outputFile}`);
    // An interrupted run is not any provider's last run: it would show its missing cells as differences.
    if (result.status !== 'interrupted') this.writeComparison({ info, results });
  }

  /**
   * Each provider's last run of each plugin, config and scope is kept beside the page
   * (by-provider/<provider>--<hash>.json); once two providers have run what this run ran,
   * compare.html shows those runs side by side, cell by cell. A broken setup's run on one
   * provider is never set against the real one's on another, nor a one-scenario run against
   * a full one.
   */
  private writeComparison(run: ProviderRun): void {
    const dir = join(dirname(this.outputFile), 'by-provider');
    mkdirSync(dir, { recursive: true });
    const what = (r: ProviderRun) => JSON.stringify([r.info.plugin, r.info.config ?? '', r.info.scope ?? '']);
    const key = (r: ProviderRun) => `${r.info.provider}--${createHash('sha256').update(what(r)).digest('hex').slice(0, 12)}.json`;
    writeFileSync(join(dir, key(run)), JSON.stringify(run));
    const runs = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProviderRun)
      .filter((r) => what(r) === what(run));
    if (runs.length < 2) return;
    const file = join(dirname(this.outputFile), 'compare.html');
    writeFileSync(file, renderComparePage(runs));
    console.log(`matrix: ${runs.map((r) => r.info.provider).join(' vs ')} side by side -> ${file}`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
