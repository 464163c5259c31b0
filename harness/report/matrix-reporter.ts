/**
 * A Playwright reporter that writes reports/matrix/index.html: every matrix test attaches
 * its cell result as JSON ("cell-result"), and this reporter files it under the test's
 * final outcome, so a cell that passed only on a retry shows as flaky, never as green.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
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
    const info: RunInfo = {
      title: this.title,
      provider: process.env.LAB_PROVIDER || 'docker',
      plugin: process.env.CNI_PLUGIN ?? 'my-cni-plugin',
      startedAt: this.startedAt.toISOString(),
      durationMs: result.duration,
    };
    const html = renderMatrixPage(results, info);
    mkdirSync(dirname(this.outputFile), { recursive: true });
    writeFileSync(this.outputFile, html);
    writeFileSync(this.outputFile.replace(/\.html$/, '.json'), JSON.stringify(results, null, 2));
    console.log(`matrix: ${results.length} cells -> ${this.outputFile}`);
    this.writeComparison({ info, results });
  }

  /**
   * Each provider's last run of each plugin is kept beside the page
   * (by-provider/<provider>--<plugin>.json); once two providers have run the plugin of this
   * run, compare.html shows those runs side by side, cell by cell (a broken plugin's run on
   * one provider is never set against the real plugin's on another).
   */
  private writeComparison(run: ProviderRun): void {
    const dir = join(dirname(this.outputFile), 'by-provider');
    mkdirSync(dir, { recursive: true });
    const key = (r: ProviderRun) => `${r.info.provider}--${r.info.plugin.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
    writeFileSync(join(dir, key(run)), JSON.stringify(run));
    const runs = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProviderRun)
      .filter((r) => r.info.plugin === run.info.plugin);
    if (runs.length < 2) return;
    const file = join(dirname(this.outputFile), 'compare.html');
    writeFileSync(file, renderComparePage(runs));
    console.log(`matrix: ${runs.map((r) => r.info.provider).join(' vs ')} side by side -> ${file}`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
