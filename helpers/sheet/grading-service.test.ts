// The grading of a run in its child process: real results for a real repository, and a report in the
// file, never a hang, when the process dies.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { gradeStatic } from '../checks/grade.ts';
import { PROJECT_ROOT, readConfig } from '../config/env.ts';
import { readGrading } from './graded-results.mjs';
import { gradeInChildProcess } from './grading-child.mjs';
import { GradingService } from './grading-service.ts';

const PASSING = join(PROJECT_ROOT, 'suites/fixtures/passing');
let scratch: string;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'iot-grading-service-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A grading process that says something on stderr and exits without writing its file. */
const DYING = `process.stderr.write('grader exploded: no such thing\\n'); process.exit(3);\n`;

describe('a grading in a child process', () => {
  test('gives the results the grader gives in this process', { timeout: 60_000 }, async () => {
    const out = join(scratch, 'grading.json');
    const env = { ...process.env, IOT_REPO: PASSING, IOT_DATE: '2026-12-05', IOT_LOGIN: '' };
    await gradeInChildProcess({ out, target: PASSING, env });
    const here = await gradeStatic(readConfig(env));
    expect(readGrading(out)).toEqual({ target: PASSING, results: here });
  });

  test('that dies leaves a file naming its exit status and its last words', async () => {
    const entry = join(scratch, 'dying.mjs');
    await writeFile(entry, DYING);
    const out = join(scratch, 'grading.json');
    await gradeInChildProcess({ out, target: '/some/repo', entry });
    const grading = readGrading(out);
    expect(grading).toMatchObject({ target: '/some/repo' });
    expect('crash' in grading && grading.crash).toMatch(/exited with status 3 before writing its results:\ngrader exploded: no such thing/);
  });

  test('that is aborted (vitest ended first) leaves a file too', async () => {
    const entry = join(scratch, 'slow.mjs');
    await writeFile(entry, 'setTimeout(() => {}, 60_000);\n');
    const out = join(scratch, 'grading.json');
    const stop = new AbortController();
    const grading = gradeInChildProcess({ out, target: '/some/repo', entry, signal: stop.signal });
    setTimeout(() => stop.abort(), 200);
    await grading;
    expect(readGrading(out)).toMatchObject({ crash: expect.stringMatching(/killed by SIGTERM/) });
  });
});

describe("watch mode's grading service", () => {
  test('grades again on request, and starts a new process after one died', async () => {
    const entry = join(scratch, 'service.mjs');
    // Answers the first request, dies on the second: the third must be answered by a new process.
    await writeFile(
      entry,
      `import { writeFileSync } from 'node:fs';
let served = 0;
process.on('message', ({ out }) => {
  if (++served === 2) process.exit(9);
  writeFileSync(out, JSON.stringify({ target: '/t', results: [{ id: 'G-LAYOUT', status: 'pass', message: String(process.pid), locations: [] }] }));
  process.send({ done: out });
});
process.on('disconnect', () => process.exit(0));
`,
    );
    const service = new GradingService({ target: '/t', entry });
    try {
      const message = (file: string) => {
        const grading = readGrading(file);
        return 'results' in grading ? grading.results[0]!.message : grading.crash;
      };
      await service.grade(join(scratch, '1.json'));
      await service.grade(join(scratch, '2.json'));
      await service.grade(join(scratch, '3.json'));
      expect(message(join(scratch, '2.json'))).toMatch(/exited with status 9/);
      expect(message(join(scratch, '3.json'))).toMatch(/^\d+$/);
      expect(message(join(scratch, '3.json'))).not.toBe(message(join(scratch, '1.json')));
    } finally {
      service.close();
    }
  });
});
