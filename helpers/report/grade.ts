// From the tests of a run to the grade: one row per check, the suite's own self-tests apart,
// and the exit status of the grade policy (CHECKS.md: only a required failure fails the grade).
import { stripVTControlCharacters } from 'node:util';
import { CATALOG, type CheckSpec, type Part } from '../catalog/checks.ts';
import type { ReportRow, Status } from '../checks/result.ts';
import type { CheckMeta } from '../checks/meta.ts';
import { PART_ORDER } from './wording.ts';

/** One test as the run ended, in words independent of vitest's classes. */
export interface TestOutcome {
  /** The test's own title (for a grading test: "<ID>: <title>"). */
  title: string;
  /** The test file, relative to the project root, with forward slashes. */
  file: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** Messages of the errors that failed it. */
  errors: string[];
  /** The note given to ctx.skip(note). */
  note?: string;
  meta?: CheckMeta;
  durationMs: number;
  /** Skipped before it started: filtered out with -t, or declared with .skip/.todo. */
  notRun?: boolean;
}

export interface RunOutcome {
  tests: TestOutcome[];
  /** Errors outside any test: a file that failed to load, a failing hook, an unhandled error, an interruption. */
  problems: string[];
}

export interface CheckRun {
  row: ReportRow;
  durationMs: number;
}

export interface SelfTest {
  title: string;
  file: string;
  status: Status;
  message: string;
  durationMs: number;
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

export interface Grading {
  /** One per check that ran (not those filtered out), in catalog order. */
  checks: CheckRun[];
  /** Tests of the suite itself (not grading tests). */
  selfTests: SelfTest[];
  problems: string[];
  /** Every test of the run, grading or not. */
  total: Tally;
  /** Per part with at least one check, in the evaluation sheet's order. */
  parts: Array<{ part: Part; tally: Tally }>;
  /** True when a required check failed. */
  gradeFailed: boolean;
  /**
   * failed: a required check failed; incomplete: none failed, but a suite did not load or the run
   * stopped, so some checks did not run; passed: neither; none: no grading check was in the run.
   */
  verdict: 'passed' | 'failed' | 'incomplete' | 'none';
  /** 1 when a required check or a self-test failed, or the run itself went wrong; else 0. */
  exitCode: 0 | 1;
}

const SPECS = new Map(CATALOG.map((spec) => [spec.id, spec]));
const CATALOG_ORDER = new Map(CATALOG.map((spec, index) => [spec.id, index]));
const GRADING_FILE = /^suites\/(general|p1|p2|p3|bonus)\//;
const LEADING_ID = /^([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+):/;

/** The catalog entry of a grading test: its title starts with a catalog ID, and it sets meta or lives in a part's suite. */
export function gradingSpec(test: TestOutcome): CheckSpec | undefined {
  const id = test.meta?.id ?? LEADING_ID.exec(test.title)?.[1];
  const spec = id === undefined ? undefined : SPECS.get(id);
  if (!spec) return undefined;
  return test.meta || GRADING_FILE.test(test.file) ? spec : undefined;
}

const plain = (text: string): string => stripVTControlCharacters(text).trim();

function statusOf(test: TestOutcome): Status {
  if (test.state === 'failed') return 'fail';
  if (test.state === 'skipped' || test.state === 'pending') return 'skip';
  return test.meta?.status ?? 'pass';
}

function skipMessage(test: TestOutcome): string {
  if (test.state === 'pending') return 'not run: the run stopped before this test (see the run errors)';
  if (test.meta?.status === 'skip' && test.meta.message) return test.meta.message;
  if (test.note) return test.note;
  return 'skipped';
}

function messageOf(test: TestOutcome, status: Status, spec: CheckSpec): string {
  if (status === 'skip') return skipMessage(test);
  if (status === 'fail') {
    if (test.meta?.status === 'fail' && test.meta.message) return test.meta.message;
    const error = test.errors.find((text) => text.trim() !== '');
    return error === undefined ? 'failed' : plain(error);
  }
  return test.meta?.message || spec.title;
}

function rowOf(test: TestOutcome, spec: CheckSpec): ReportRow {
  const status = statusOf(test);
  const meta = test.meta;
  const row: ReportRow = {
    id: spec.id,
    part: spec.part,
    severity: spec.severity,
    title: spec.title,
    tier: spec.tier,
    status,
    message: messageOf(test, status, spec),
    locations: meta?.locations ?? [],
  };
  if (status === 'fail' && meta?.status === 'fail' && meta.fix) row.fix = meta.fix;
  if (meta?.timings && Object.keys(meta.timings).length > 0) row.timings = meta.timings;
  if (meta?.evidence && meta.evidence.length > 0) row.evidence = meta.evidence;
  return row;
}

// When two tests report one ID, the row says the worst: a failure, else a pass, else a skip.
const WEIGHT: Record<Status, number> = { fail: 2, pass: 1, skip: 0 };

export function tallyOf(statuses: Status[]): Tally {
  return {
    passed: statuses.filter((status) => status === 'pass').length,
    failed: statuses.filter((status) => status === 'fail').length,
    skipped: statuses.filter((status) => status === 'skip').length,
  };
}

export function gradeRun(outcome: RunOutcome): Grading {
  const byId = new Map<string, CheckRun>();
  const selfTests: SelfTest[] = [];
  const statuses: Status[] = [];

  for (const test of outcome.tests) {
    const spec = gradingSpec(test);
    if (!spec) {
      const status = statusOf({ ...test, meta: undefined });
      statuses.push(status);
      const message =
        status === 'fail' ? (plain(test.errors[0] ?? 'failed').split('\n')[0] ?? '') : status === 'skip' ? (test.note ?? '') : '';
      selfTests.push({ title: test.title, file: test.file, status, message, durationMs: test.durationMs });
      continue;
    }
    const run: CheckRun = { row: rowOf(test, spec), durationMs: test.durationMs };
    statuses.push(run.row.status);
    // A check filtered out (-t) did not run: it is counted as vitest counts it, but has no row.
    if (test.notRun && !test.note && !test.meta) continue;
    const earlier = byId.get(spec.id);
    if (!earlier || WEIGHT[run.row.status] > WEIGHT[earlier.row.status]) byId.set(spec.id, run);
  }

  const checks = [...byId.values()].sort((a, b) => (CATALOG_ORDER.get(a.row.id) ?? 0) - (CATALOG_ORDER.get(b.row.id) ?? 0));
  const parts = PART_ORDER.filter((part) => checks.some((check) => check.row.part === part)).map((part) => ({
    part,
    tally: tallyOf(checks.filter((check) => check.row.part === part).map((check) => check.row.status)),
  }));
  const gradeFailed = checks.some((check) => check.row.status === 'fail' && check.row.severity === 'required');
  const selfTestFailed = selfTests.some((test) => test.status === 'fail');
  const exitCode = gradeFailed || selfTestFailed || outcome.problems.length > 0 ? 1 : 0;
  const verdict = gradeFailed ? 'failed' : outcome.problems.length > 0 ? 'incomplete' : checks.length > 0 ? 'passed' : 'none';

  return { checks, selfTests, problems: outcome.problems, total: tallyOf(statuses), parts, gradeFailed, verdict, exitCode };
}
