// What the suites make of a grading file they are handed: a crash report fails every check with the
// grader's words (as a bug of the suite, not of the repository), a grading of another repository is
// never taken for this one, and a grader gone without writing it is not waited for.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { writeGrading } from './graded-results.mjs';

const VITEST = join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs');
const PASSING = join(PROJECT_ROOT, 'suites/fixtures/passing');
let scratch: string;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'iot-handoff-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function gradeGeneralWith(
  handoff: string,
  grader?: number,
): Promise<Array<{ id: string; status: string; message: string; fix?: string }>> {
  const report = join(scratch, 'report.json');
  spawnSync(process.execPath, [VITEST, 'run', 'suites/general/static'], {
    cwd: PROJECT_ROOT,
    // Well within the static tests' own timeout (120 s): a run still waiting then leaves no report.
    timeout: 40_000,
    env: {
      ...process.env,
      IOT_REPO: PASSING,
      IOT_REPORT: report,
      IOT_REPORTS_DIR: join(scratch, 'reports'),
      IOT_GRADING_HANDOFF: handoff,
      IOT_GRADING_PID: grader === undefined ? '' : String(grader),
    },
  });
  return JSON.parse(await readFile(report, 'utf8'));
}

test('a grading that crashed fails every check, quoting the crash', { timeout: 60_000 }, async () => {
  const handoff = join(scratch, 'grading.json');
  writeGrading(handoff, { target: PASSING, crash: 'the grading process exited with status 3 before writing its results:\nboom' });
  const rows = await gradeGeneralWith(handoff);
  expect(rows.length).toBe(5);
  for (const row of rows) {
    expect(row.status).toBe('fail');
    expect(row.message).toMatch(/the static grading stopped before any result: .*status 3.*\nboom/s);
    expect(row.fix).toMatch(/bug of the conformance suite/);
  }
});

test('a grading of another repository is refused', { timeout: 60_000 }, async () => {
  const handoff = join(scratch, 'grading.json');
  writeGrading(handoff, { target: '/elsewhere', results: [] });
  const rows = await gradeGeneralWith(handoff);
  expect(rows.map((row) => row.message)).toEqual(rows.map(() => `the static grading graded /elsewhere, not ${PASSING}`));
});

test('a grading process gone without writing its file fails every check at once, naming it', { timeout: 60_000 }, async () => {
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  const rows = await gradeGeneralWith(join(scratch, 'never-written.json'), gone);
  expect(rows.length).toBe(5);
  for (const row of rows) {
    expect(row.status).toBe('fail');
    expect(row.message).toBe(
      `the static grading stopped before any result: the grading process (pid ${gone}) ended before writing its results`,
    );
  }
});
