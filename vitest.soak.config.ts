import { defineConfig } from 'vitest/config';

/** The soak suite (npm run test:soak): long, so it is kept out of the default `npm test`. */
export default defineConfig({
  test: {
    include: ['tests/soak/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 300_000,
    maxWorkers: 1,
  },
});
