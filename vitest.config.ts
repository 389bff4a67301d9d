import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // e2e tests start real agents and servers; two cores here, so keep parallelism modest.
    maxWorkers: 2,
  },
});
