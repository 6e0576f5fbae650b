// One repository's pair: `npm test -- static` timed as a whole process (npm included) against grading the same
// repository once in a fresh process (grade-once.ts, what npm run bench:static times), the two taking turns running
// first (runInTurn), each pair followed by `npm test` of an empty package: npm's own start and exit, with nothing of
// ours running meanwhile.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config/env.ts';
import { gradeAlone } from './grading-alone.ts';
import { childrenProcessorMs, median, runInTurn } from './measure.ts';

export interface Timing {
  wallMs: number;
  /** User and system time of the run's processes; undefined where /proc does not say. */
  processorMs: number | undefined;
}

export interface PairRuns {
  suite: Timing[];
  grading: Timing[];
  npm: Timing[];
}

/** A run that did not do its work: the pair's numbers would mean nothing. */
export class RunFailed extends Error {}

/** Times one run to its end. */
function timed(what: string, run: () => SpawnSyncReturns<string>, didItsWork: (status: number | null) => boolean): Timing {
  const processorBefore = childrenProcessorMs();
  const started = performance.now();
  const child = run();
  const wallMs = Math.round(performance.now() - started);
  const processorAfter = childrenProcessorMs();
  if (!didItsWork(child.status)) throw new RunFailed(`${what} failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
  const processorMs = processorBefore === undefined || processorAfter === undefined ? undefined : processorAfter - processorBefore;
  return { wallMs, processorMs };
}

/** Times `runs` pairs for the repository `repo`; `onPair` hears of each as it ends. */
export function timePairs(
  repo: string,
  runs: number,
  onPair: (run: number, suite: Timing, grading: Timing) => void = () => undefined,
): PairRuns {
  const reports = mkdtempSync(join(tmpdir(), 'iot-bench-reports-'));
  const emptyPackage = mkdtempSync(join(tmpdir(), 'iot-bench-npm-'));
  writeFileSync(join(emptyPackage, 'package.json'), JSON.stringify({ private: true, scripts: { test: 'node -e 0' } }));
  const env = { ...process.env, IOT_REPO: repo, IOT_REPORTS_DIR: reports, IOT_REPORT: '' };
  // A student's repository usually fails some checks: npm test then exits 1, with its grading sheet written.
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
  const timeNpmAlone = (): Timing =>
    timed(
      'npm test of an empty package',
      () => spawnSync('npm', ['test'], { cwd: emptyPackage, env, encoding: 'utf8' }),
      (status) => status === 0,
    );
  const timings: PairRuns = { suite: [], grading: [], npm: [] };
  try {
    for (let i = 0; i < runs; i++) {
      rmSync(join(reports, 'grading.md'), { force: true });
      const [suite, grading] = runInTurn(i, timeSuite, timeGradingAlone);
      timings.suite.push(suite);
      timings.grading.push(grading);
      timings.npm.push(timeNpmAlone());
      onPair(i + 1, suite, grading);
    }
  } finally {
    rmSync(reports, { recursive: true, force: true });
    rmSync(emptyPackage, { recursive: true, force: true });
  }
  return timings;
}

export interface PairSummary {
  /** Medians of the runs. */
  suiteMs: number;
  gradingMs: number;
  npmMs: number;
  ratio: number;
  /** What npm test -- static adds to the grading alone: the median of the pairs' differences. */
  addedMs: number;
  /** Where Linux tells processor times: medians, and the shortest npm test -- static any scheduling on this machine's cores could give. */
  processor?: { suiteMs: number; gradingMs: number; npmMs: number; cores: number; shortestSuiteMs: number };
}

export function summarise(runs: PairRuns): PairSummary {
  const wall = (timings: Timing[]) => median(timings.map((timing) => timing.wallMs));
  const suiteMs = wall(runs.suite);
  const gradingMs = wall(runs.grading);
  const npmMs = wall(runs.npm);
  const summary: PairSummary = {
    suiteMs,
    gradingMs,
    npmMs,
    ratio: suiteMs / gradingMs,
    addedMs: median(runs.suite.map((suite, i) => suite.wallMs - runs.grading[i]!.wallMs)),
  };
  const processor = (timings: Timing[]) =>
    timings.every((timing) => timing.processorMs !== undefined) ? median(timings.map((timing) => timing.processorMs!)) : undefined;
  const suiteProcessor = processor(runs.suite);
  const gradingProcessor = processor(runs.grading);
  const npmProcessor = processor(runs.npm);
  if (suiteProcessor !== undefined && gradingProcessor !== undefined && npmProcessor !== undefined) {
    const cores = availableParallelism();
    // npm's own start and exit run before and after ours; the rest of the run's processor time is shared by every core.
    const shortestSuiteMs = Math.round(npmMs + (suiteProcessor - npmProcessor) / cores);
    summary.processor = { suiteMs: suiteProcessor, gradingMs: gradingProcessor, npmMs: npmProcessor, cores, shortestSuiteMs };
  }
  return summary;
}
