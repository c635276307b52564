import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['examples/vitest/**/*.test.js'],
    globalSetup: ['examples/vitest/global-setup.js'],
    pool: 'threads',
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } },
    testTimeout: 40000,
  },
});
