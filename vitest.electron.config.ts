import { defineConfig } from 'vitest/config';

/** The real-Electron suite (npm run test:electron, through tests/electron/run.mjs): only where a binary exists. */
export default defineConfig({
  test: {
    include: ['tests/electron/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One app at a time: each is a full Electron with its own renderer.
    maxWorkers: 1,
    fileParallelism: false,
  },
});
