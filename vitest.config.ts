import { defineConfig } from 'vitest/config';
import { config, ConfigError } from './helpers/config/env.ts';

// The suite needs Node 22 or later; say so in one line rather than fail on a missing API.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(
    `iot: Node ${process.versions.node} is too old: Node 22 or later is needed (bash .ci/run installs Node 24 from npm; see the README)`,
  );
  process.exit(2);
}

// A bad IOT_* value stops the run before any test, with one line naming it.
try {
  config();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`iot: ${error.message}`);
  process.exit(2);
}

const LIVE_SUITES = 'suites/*/live.test.ts';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'suites/fixtures/**'],
    projects: [
      { extends: true, test: { name: 'checks', include: ['suites/**/*.test.ts', 'helpers/**/*.test.ts'], exclude: [LIVE_SUITES] } },
      // The live suites boot VMs and clusters that share 192.168.56.110 and host ports 8888/8443: one file at a
      // time, after every other file (vitest runs a project with fileParallelism: false as a last, sequential group).
      { extends: true, test: { name: 'live', include: [LIVE_SUITES], fileParallelism: false } },
    ],
    // Ruby (the Vagrantfile sandbox) runs on V8's baseline WebAssembly compiler: faster to start and
    // ~85 MB lighter than optimising its hot functions, for runs that last a second.
    execArgv: ['--liftoff-only'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The grading sheet after vitest's own output: reports/grading.{md,html}, junit.xml, IOT_REPORT, exit status.
    reporters: ['default', './helpers/report/grading-reporter.ts'],
  },
});
