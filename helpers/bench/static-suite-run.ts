// npm run bench:static-run — the path a student runs, `npm test -- static`, timed as a whole process
// (npm included), against grading the same repository once in a fresh process (grade-once.ts, what
// npm run bench:static times). Targets: a median under 3 s, and at most 1.3 times the grading alone.
// The repository is IOT_REPO, or the passing fixture (a complete, typical submission).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config/env.ts';
import { gradeAlone } from './grading-alone.ts';
import { median, verdict } from './measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_WALL_MS = 3000;
const TARGET_RATIO = 1.3;
const repo = process.env.IOT_REPO || join(PROJECT_ROOT, 'suites/fixtures/passing');
const reports = mkdtempSync(join(tmpdir(), 'iot-bench-reports-'));
const env = { ...process.env, IOT_REPO: repo, IOT_REPORTS_DIR: reports, IOT_REPORT: '' };

/** Times one run to its end; a run that did not do its work stops the benchmark. */
function timed(what: string, run: () => SpawnSyncReturns<string>, didItsWork: (status: number | null) => boolean): number {
  const started = performance.now();
  const child = run();
  const wallMs = Math.round(performance.now() - started);
  if (!didItsWork(child.status)) {
    console.error(`${what} failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
    process.exit(1);
  }
  return wallMs;
}

const suiteRuns: number[] = [];
const gradingRuns: number[] = [];
for (let i = 0; i < RUNS; i++) {
  rmSync(join(reports, 'grading.md'), { force: true });
  // A student's repository usually fails some checks: npm test then exits 1, with its grading sheet written.
  const suite = timed(
    'npm test -- static',
    () => spawnSync('npm', ['test', '--', 'static'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' }),
    (status) => (status === 0 || status === 1) && existsSync(join(reports, 'grading.md')),
  );
  const grading = timed(
    'the grading alone (grade-once.ts)',
    () => gradeAlone(env, PROJECT_ROOT),
    (status) => status === 0,
  );
  suiteRuns.push(suite);
  gradingRuns.push(grading);
  console.log(`run ${i + 1}: npm test -- static ${suite} ms; grading alone ${grading} ms`);
}
rmSync(reports, { recursive: true, force: true });

const suite = median(suiteRuns);
const grading = median(gradingRuns);
const ratio = suite / grading;
console.log(`repository: ${repo}`);
console.log(`median npm test -- static: ${suite} ms (target < ${TARGET_WALL_MS} ms: ${verdict(suite < TARGET_WALL_MS)})`);
console.log(
  `median grading alone: ${grading} ms; ratio ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}: ${verdict(ratio <= TARGET_RATIO)})`,
);
process.exitCode = suite < TARGET_WALL_MS && ratio <= TARGET_RATIO ? 0 : 1;
