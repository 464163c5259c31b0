import { defineConfig } from '@playwright/test';
import { providerNames } from './harness/providers/index.ts';

/**
 * `npm run test:e2e`: a setup project per provider brings the lab up, installs the plugin
 * and applies pods.yaml; the provider's project runs one test per matrix cell; a teardown
 * project takes the lab down unless KEEP=1. Options come as environment variables (the
 * e2e script also takes them as flags): CNI_PLUGIN, CNI_CONFIG, LAB_WORKERS, SCENARIO, KEEP.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'reports/test-results',
  timeout: 60_000,
  fullyParallel: true,
  // Probes mostly wait on nping's echo handshake (1-2 s), not on the CPU.
  workers: Number(process.env.E2E_WORKERS ?? 8),
  forbidOnly: Boolean(process.env.CI),
  reporter: [
    ['list'],
    ['html', { outputFolder: 'reports/html', open: 'never' }],
    ['junit', { outputFile: 'reports/junit.xml' }],
    ['json', { outputFile: 'reports/results.json' }],
    ['./harness/report/matrix-reporter.ts', { outputFile: 'reports/matrix/index.html' }],
  ],
  projects: providerNames().flatMap((provider) => [
    { name: `setup-${provider}`, testMatch: /lab\.setup\.ts/, teardown: `teardown-${provider}`, timeout: 900_000, metadata: { provider } },
    { name: `teardown-${provider}`, testMatch: /lab\.teardown\.ts/, timeout: 300_000, metadata: { provider } },
    // One retry at most: a cell that passes only on it is reported flaky, never green.
    { name: provider, testMatch: /matrix\.spec\.ts/, dependencies: [`setup-${provider}`], retries: 1, metadata: { provider } },
  ]),
});
