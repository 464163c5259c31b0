import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs anywhere in milliseconds; `plugin-netns` drives the built
// plugin binary as root in network namespaces it creates, so it runs serially per file.
export default defineConfig({
  test: {
    // The netns suites share the host's /run/netns and its CPU: one file at a time.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['plugin/src/**/*.test.ts', 'harness/**/*.test.ts'],
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
    ],
  },
});
