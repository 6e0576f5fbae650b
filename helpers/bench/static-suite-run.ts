// npm run bench:static-run — the path a student runs, `npm test -- static`, timed as a whole process
// (npm included), against grading the same repository once in a fresh process (grade-once.ts, what
// npm run bench:static times), the two taking turns running first (measure.ts, runInTurn). Targets: a median
// under 3 s, and at most 1.3 times the grading alone.
// The repository is IOT_REPO, or the passing fixture (a complete, typical submission).
// It also prints, where Linux tells processor times, the shortest `npm test -- static` any scheduling could
// give: npm's own start and exit (timed on an empty package: nothing of ours runs meanwhile), then the rest
// of the run's processor time shared by every core.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config/env.ts';
import { gradeAlone } from './grading-alone.ts';
import { childrenProcessorMs, median, runInTurn, verdict } from './measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_WALL_MS = 3000;
const TARGET_RATIO = 1.3;
const repo = process.env.IOT_REPO || join(PROJECT_ROOT, 'suites/fixtures/passing');
const reports = mkdtempSync(join(tmpdir(), 'iot-bench-reports-'));
const env = { ...process.env, IOT_REPO: repo, IOT_REPORTS_DIR: reports, IOT_REPORT: '' };
const emptyPackage = mkdtempSync(join(tmpdir(), 'iot-bench-npm-'));
writeFileSync(join(emptyPackage, 'package.json'), JSON.stringify({ private: true, scripts: { test: 'node -e 0' } }));

interface Timing {
  wallMs: number;
  /** User and system time of the run's processes; undefined where /proc does not say. */
  processorMs: number | undefined;
}

/** Times one run to its end; a run that did not do its work stops the benchmark. */
function timed(what: string, run: () => SpawnSyncReturns<string>, didItsWork: (status: number | null) => boolean): Timing {
  const processorBefore = childrenProcessorMs();
  const started = performance.now();
  const child = run();
  const wallMs = Math.round(performance.now() - started);
  const processorAfter = childrenProcessorMs();
  if (!didItsWork(child.status)) {
    console.error(`${what} failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
    process.exit(1);
  }
  const processorMs = processorBefore === undefined || processorAfter === undefined ? undefined : processorAfter - processorBefore;
  return { wallMs, processorMs };
}

/** npm test -- static; a student's repository usually fails some checks: npm test then exits 1, with its grading sheet written. */
const timeSuite = (): Timing =>
  timed(
    'npm test -- static',
    () => spawnSync('npm', ['test', '--', 'static'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' }),
    (status) => (status === 0 || status === 1) && existsSync(join(reports, 'grading.md')),
  );
const timeGradingAlone = (): Timing =>
  timed(
    'the grading alone (grade-once.ts)',
    () => gradeAlone(env, PROJECT_ROOT),
    (status) => status === 0,
  );

const suiteRuns: Timing[] = [];
const gradingRuns: Timing[] = [];
const npmRuns: Timing[] = [];
for (let i = 0; i < RUNS; i++) {
  rmSync(join(reports, 'grading.md'), { force: true });
  const [suite, grading] = runInTurn(i, timeSuite, timeGradingAlone);
  npmRuns.push(
    timed(
      'npm test of an empty package',
      () => spawnSync('npm', ['test'], { cwd: emptyPackage, env, encoding: 'utf8' }),
      (status) => status === 0,
    ),
  );
  suiteRuns.push(suite);
  gradingRuns.push(grading);
  console.log(`run ${i + 1}: npm test -- static ${suite.wallMs} ms; grading alone ${grading.wallMs} ms`);
}
rmSync(reports, { recursive: true, force: true });
rmSync(emptyPackage, { recursive: true, force: true });

/** What the processor time says of the shortest possible `npm test -- static`, or undefined where it is not known. */
function shortestPossibleRun(): string | undefined {
  const processor = (runs: Timing[]) =>
    runs.every((run) => run.processorMs !== undefined) ? median(runs.map((run) => run.processorMs!)) : undefined;
  const suiteProcessor = processor(suiteRuns);
  const gradingProcessor = processor(gradingRuns);
  const npmProcessor = processor(npmRuns);
  if (suiteProcessor === undefined || gradingProcessor === undefined || npmProcessor === undefined) return undefined;
  const cores = availableParallelism();
  const npmWall = median(npmRuns.map((run) => run.wallMs));
  const shortestMs = Math.round(npmWall + (suiteProcessor - npmProcessor) / cores);
  return (
    `median processor time: npm test -- static ${suiteProcessor} ms, grading alone ${gradingProcessor} ms, npm's own start and exit ` +
    `${npmProcessor} ms in ${npmWall} ms; on ${cores} cores, npm test -- static cannot take less than ${shortestMs} ms ` +
    `(ratio ${(shortestMs / median(gradingRuns.map((run) => run.wallMs))).toFixed(2)}), however it is scheduled`
  );
}

const suite = median(suiteRuns.map((run) => run.wallMs));
const grading = median(gradingRuns.map((run) => run.wallMs));
const ratio = suite / grading;
// What the ratio hides: the time npm test adds to the grading, paired run by run, against npm's own share of it.
const overhead = median(suiteRuns.map((run, i) => run.wallMs - gradingRuns[i]!.wallMs));
console.log(`repository: ${repo}`);
const shortest = shortestPossibleRun();
if (shortest) console.log(shortest);
console.log(
  `npm test -- static takes ${overhead} ms more than the grading alone (median of the paired runs), ` +
    `of which npm's own start and exit ${median(npmRuns.map((run) => run.wallMs))} ms`,
);
console.log(`median npm test -- static: ${suite} ms (target < ${TARGET_WALL_MS} ms: ${verdict(suite < TARGET_WALL_MS)})`);
console.log(
  // Three decimals: at two, a ratio just over the target (1.304) would read 1.30 beside "OVER TARGET".
  `median grading alone: ${grading} ms; ratio ${ratio.toFixed(3)} (target <= ${TARGET_RATIO}: ${verdict(ratio <= TARGET_RATIO)})`,
);
process.exitCode = suite < TARGET_WALL_MS && ratio <= TARGET_RATIO ? 0 : 1;
