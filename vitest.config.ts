import { defineConfig } from 'vitest/config';
import { config, ConfigError } from './helpers/config/env.ts';

// A bad IOT_* value stops the run before any test, with one line naming it.
try {
  config();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`iot: ${error.message}`);
  process.exit(2);
}

export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts', 'helpers/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'suites/fixtures/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
