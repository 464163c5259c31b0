/**
 * `npm run test:e2e`: from nothing to reports. Builds the plugin, runs Playwright Test
 * (setup brings the lab up, installs the plugin and applies pods.yaml; one test per matrix
 * cell; teardown takes the lab down unless --keep), then opens the matrix page in headless
 * Chromium, screenshots it and checks every cell is shown.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { CellResult } from '../report/cell-result.ts';
import { checkMatrixPage } from '../report/check-page.ts';
import { E2E_HELP, parseE2eOptions } from './options.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MATRIX = resolve(ROOT, 'reports/matrix/index.html');

function step(msg: string): void {
  console.log(`${new Date().toISOString().slice(11, 19)} ${msg}`);
}

async function main(): Promise<number> {
  const opts = parseE2eOptions(process.argv.slice(2), process.env);
  if (opts === 'help') {
    console.log(E2E_HELP);
    return 0;
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LAB_WORKERS: String(opts.workers),
    LAB_PROVIDER: opts.provider,
    KEEP: opts.keep ? '1' : '',
    ...(opts.plugin ? { CNI_PLUGIN: resolve(opts.plugin), CNI_CONFIG: resolve(opts.config!) } : {}),
    ...(opts.scenario ? { SCENARIO: opts.scenario } : {}),
    ...(opts.inventory ? { LAB_INVENTORY: resolve(opts.inventory) } : {}),
  };
  if (!opts.plugin) {
    step('building dist/my-cni-plugin');
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) return build.status ?? 1;
  }
  step(`playwright test --project ${opts.provider} (${opts.workers} workers, plugin ${opts.plugin ?? 'my-cni-plugin'}${opts.scenario ? `, scenario ${opts.scenario}` : ''})`);
  const t0 = Date.now();
  const pw = spawnSync('npx', ['playwright', 'test', '--project', opts.provider, ...opts.passThrough], { cwd: ROOT, env, stdio: 'inherit' });
  step(`playwright finished in ${((Date.now() - t0) / 1000).toFixed(1)} s with exit ${pw.status}`);
  let pageOk = true;
  if (existsSync(MATRIX)) {
    const cells = JSON.parse(readFileSync(MATRIX.replace(/\.html$/, '.json'), 'utf8')) as CellResult[];
    const check = await checkMatrixPage(MATRIX, resolve(ROOT, 'reports/matrix/screenshot.png'), cells.map((c) => c.cell.id));
    pageOk = check.problems.length === 0;
    step(`matrix page in Chromium: ${check.visible}/${cells.length} cells visible ${JSON.stringify(check.byStatus)}${pageOk ? '' : `; problems:\n  ${check.problems.join('\n  ')}`}`);
  } else {
    step('no matrix page was written (did the setup fail?)');
    pageOk = false;
  }
  step('reports: reports/html/index.html, reports/junit.xml, reports/results.json, reports/matrix/index.html, reports/matrix/screenshot.png');
  return pw.status === 0 && pageOk ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof UsageError ? `test:e2e: ${err.message}` : err);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
