// npm test grades in its own process (gradeInThisProcess): whatever the grading does wrong, its file reports it and
// the process lives on to follow vitest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { readGrading } from './graded-results.mjs';

let scratch = '';
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const WRITES_ITS_FILE = `async (out) => (await import(${JSON.stringify(join(PROJECT_ROOT, 'helpers/sheet/graded-results.mjs'))})).writeGrading(out, { target: '/the/target', results: [] })`;

/**
 * Runs gradeInThisProcess with `grade` (a function's source) in a process of its own, with `before` and `after` (source)
 * run around it, which then says it lived on. `vitestEnded` is the AbortController of the grading's signal.
 */
function gradeWith(
  grade: string,
  { before = '', after = '' } = {},
): { grading: ReturnType<typeof readGrading>; stdout: string; stderr: string; status: number | null } {
  scratch = mkdtempSync(join(tmpdir(), 'iot-grading-here-'));
  const out = join(scratch, 'grading.json');
  const program = `
    import { gradeInThisProcess } from ${JSON.stringify(join(PROJECT_ROOT, 'helpers/sheet/grading-child.mjs'))};
    const vitestEnded = new AbortController();
    ${before}
    await gradeInThisProcess({ out: ${JSON.stringify(out)}, target: '/the/target', grade: ${grade}, signal: vitestEnded.signal });
    ${after}
    setTimeout(() => console.log('still here'), 50);
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
  return { grading: readGrading(out), stdout: run.stdout.trim(), stderr: run.stderr, status: run.status };
}

test('a grading that throws leaves a crash report with the error', () => {
  const { grading, stdout, status } = gradeWith(`async () => { throw new Error('the grader broke'); }`);
  expect(grading).toMatchObject({
    target: '/the/target',
    crash: expect.stringMatching(/^the grading failed before writing its results: Error: the grader broke/),
  });
  expect([stdout, status]).toEqual(['still here', 0]);
});

test('an error the grading leaves uncaught is reported, and does not end the process', () => {
  const { grading, stdout, status } = gradeWith(`() => new Promise(() => { setTimeout(() => { throw new Error('stray'); }, 10); })`);
  expect(grading).toMatchObject({ crash: expect.stringMatching(/^the grading failed before writing its results: Error: stray/) });
  expect([stdout, status]).toEqual(['still here', 0]);
});

test('a grading that ends without writing its file is reported too', () => {
  const { grading } = gradeWith('async () => {}');
  expect(grading).toEqual({ target: '/the/target', crash: 'the grading ended without writing its results' });
});

test('a grading that writes its file is left as it wrote it', () => {
  const { grading } = gradeWith(WRITES_ITS_FILE);
  expect(grading).toEqual({ target: '/the/target', results: [] });
});

// npm-test.mjs aborts the signal once vitest has ended: an error of its own after that (removing its folder, say) must
// end the process with a failure, not be taken for the grading's and leave npm test to exit 0.
test('once its signal aborts, an error is no longer caught: the process fails with it', () => {
  const { grading, stdout, stderr, status } = gradeWith(WRITES_ITS_FILE, {
    after: `vitestEnded.abort(); setTimeout(() => { throw new Error('after vitest'); }, 10);`,
  });
  expect(grading).toEqual({ target: '/the/target', results: [] });
  expect(stderr).toContain('Error: after vitest');
  expect([stdout, status]).toEqual(['', 1]);
});

test('a signal aborted before the grading starts catches nothing either', () => {
  const { stdout, stderr, status } = gradeWith(WRITES_ITS_FILE, {
    before: 'vitestEnded.abort();',
    after: `setTimeout(() => { throw new Error('late'); }, 10);`,
  });
  expect(stderr).toContain('Error: late');
  expect([stdout, status]).toEqual(['', 1]);
});
