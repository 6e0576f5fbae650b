import { defineConfig } from 'vitest/config';
import { config, ConfigError } from './helpers/config/env.ts';
import { stopUnlessTemporaryFolderUsable } from './helpers/config/temporary-folder.mjs';
import { targetChangeTriggers } from './helpers/sheet/watch.ts';

// The suite needs Node 22.18 or later (TypeScript run by Node itself: the grading process, the benches); say so in one line rather than fail on a missing API.
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `iot: Node ${process.versions.node} is too old: Node 22.18 or later is needed (bash .ci/run installs Node 24 from npm; see the README)`,
  );
  process.exit(2);
}

// A bad IOT_* value, or a temporary folder that cannot be used, stops the run before any test, with one line naming it.
stopUnlessTemporaryFolderUsable();
try {
  config();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`iot: ${error.message}`);
  process.exit(2);
}

const STATIC_SUITES = 'suites/*/static.test.ts';
const LIVE_SUITES = 'suites/*/live.test.ts';
const HELPERS = /\/helpers\//;
// Ruby (the Vagrantfile sandbox) runs on V8's baseline WebAssembly compiler: faster to start and
// ~85 MB lighter than optimising its hot functions, for runs that last a second.
const RUBY_FLAGS = ['--liftoff-only'];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'suites/fixtures/**'],
    projects: [
      // The static checks are graded once per run by the global setup (helpers/sheet/); the five suite files only
      // read their results, in one worker that keeps the file it read (isolate: false). First, on its own.
      // A worker thread, not a process: it starts with less work, and it runs no Ruby (a thread takes no V8 flag).
      {
        extends: true,
        test: {
          name: 'grading',
          include: [STATIC_SUITES],
          globalSetup: ['./helpers/sheet/global-setup.ts'],
          isolate: false,
          pool: 'threads',
          fileParallelism: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'self-tests',
          // Vite's transform, which vi.mock needs, for the helpers the self-tests test.
          server: { deps: { inline: [HELPERS] } },
          include: ['suites/**/*.test.ts', 'helpers/**/*.test.ts'],
          exclude: [STATIC_SUITES, LIVE_SUITES],
          sequence: { groupOrder: 1 },
          execArgv: RUBY_FLAGS,
        },
      },
      // The live suites boot VMs and clusters that share 192.168.56.110 and host ports 8888/8443: one file at a
      // time, after every other file.
      {
        extends: true,
        test: { name: 'live', include: [LIVE_SUITES], fileParallelism: false, sequence: { groupOrder: 2 }, execArgv: RUBY_FLAGS },
      },
    ],
    // The helpers are Node's to load (stripped and compiled once, kept in Node's compile cache) rather than Vite's to
    // transform on every run, in vitest's own process (its global setup, the grading sheet's reporter) and in the
    // suites' workers: ~50 ms less of vitest's processor time in `npm test -- static`. Changing a helper then reruns no
    // static or live suite in watch mode (vitest docs: external modules are not in the module graph).
    server: { deps: { external: [HELPERS] } },
    watchTriggerPatterns: targetChangeTriggers(config()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The grading sheet after vitest's own output: reports/grading.{md,html}, junit.xml, IOT_REPORT, exit status.
    reporters: ['default', './helpers/report/grading-reporter.ts'],
  },
});
