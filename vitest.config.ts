import { configDefaults, defineConfig } from 'vitest/config';

// `unit` runs anywhere in milliseconds; `plugin-netns` drives the built plugin binary as
// root in network namespaces it creates, so it runs serially per file; `lab` brings up the
// docker lab (root, a running dockerd, a node image built on first use) and tears it down.
export default defineConfig({
  test: {
    // The netns suites share the host's /run/netns and its CPU: one file at a time.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['plugin/src/**/*.test.ts', 'harness/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'harness/test/**'],
        },
      },
      {
        test: {
          name: 'plugin-netns',
          include: ['plugin/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['harness/test/**/*.test.ts'],
          // A cold first run builds the node image (about 40 s) inside a beforeAll.
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
