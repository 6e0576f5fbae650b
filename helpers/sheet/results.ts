// The result of one static check in this run: read from the run's grading file (global-setup.ts),
// once it is written, or, for a static suite run outside the grading project, graded in this worker.
import { inject, type ProvidedContext } from 'vitest';
import { fail, type CheckResult } from '../checks/result.ts';
import { config } from '../config/env.ts';
import { processAlive } from '../config/process-folders.mjs';
import { hasGrading, readGrading, type Grading } from './graded-results.mjs';

const POLL_MS = 5;

type ProvidedGrading = ProvidedContext['iotStaticGrading'];

let read: { file: string; grading: Promise<Grading> } | undefined;
let inProcess: Promise<(id: string) => Promise<CheckResult>> | undefined;

/** Grading in this worker: the grader's modules load only on this path. */
async function gradeHere(): Promise<(id: string) => Promise<CheckResult>> {
  const { openGrading, runCheck } = await import('../checks/grade.ts');
  const grading = await openGrading(config());
  return (id) => runCheck(grading, id);
}

/** The grading file once written; a crash report if the process that writes it is gone without writing it. */
async function whenWritten({ file, target, grader }: ProvidedGrading): Promise<Grading> {
  while (!hasGrading(file)) {
    if (grader !== undefined && !processAlive(grader) && !hasGrading(file))
      return { target, crash: `the grading process (pid ${grader}) ended before writing its results` };
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  return readGrading(file);
}

const graderBug = 'this is a bug of the conformance suite, not of the graded repository: report it with the repository';

export async function resultOf(id: string): Promise<CheckResult> {
  const provided = inject('iotStaticGrading');
  if (!provided) return (await (inProcess ??= gradeHere()))(id);
  if (read?.file !== provided.file) read = { file: provided.file, grading: whenWritten(provided) };
  const grading = await read.grading;
  if ('crash' in grading) return fail(id, `the static grading stopped before any result: ${grading.crash}`, graderBug);
  if (grading.target !== provided.target) return fail(id, `the static grading graded ${grading.target}, not ${provided.target}`, graderBug);
  return grading.results.find((result) => result.id === id) ?? fail(id, `the grading has no result for ${id}`, graderBug);
}
