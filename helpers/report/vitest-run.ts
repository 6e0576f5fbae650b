// Reads vitest's finished test modules into a RunOutcome: the only module that knows vitest's classes.
import { relative, sep } from 'node:path';
import type { SerializedError, TestModule, TestRunEndReason, TestSuite } from 'vitest/node';
import type { RunOutcome, TestOutcome } from './grade.ts';

const posix = (path: string): string => path.split(sep).join('/');

const errorText = (error: { message?: unknown; name?: unknown }): string =>
  typeof error.message === 'string' && error.message !== '' ? error.message : String(error.name ?? 'error');

export function runOutcome(
  modules: ReadonlyArray<TestModule>,
  unhandled: ReadonlyArray<SerializedError>,
  reason: TestRunEndReason,
  root: string,
): RunOutcome {
  const tests: TestOutcome[] = [];
  const problems: string[] = [];

  for (const module of modules) {
    const file = posix(relative(root, module.moduleId));
    for (const error of module.errors()) problems.push(`${file}: ${errorText(error)}`);
    const state = module.state();
    if (state === 'pending' || state === 'queued') problems.push(`${file}: did not finish`);
    const suites: TestSuite[] = [...module.children.allSuites()];
    for (const suite of suites) for (const error of suite.errors()) problems.push(`${file} > ${suite.fullName}: ${errorText(error)}`);

    for (const test of module.children.allTests()) {
      const result = test.result();
      tests.push({
        title: test.name,
        file,
        state: result.state,
        errors: (result.errors ?? []).map(errorText),
        note: result.state === 'skipped' ? result.note : undefined,
        meta: test.meta().iot,
        durationMs: test.diagnostic()?.duration ?? 0,
        notRun: result.state === 'skipped' && (test.options.mode === 'skip' || test.options.mode === 'todo'),
      });
    }
  }
  for (const error of unhandled) problems.push(`unhandled error: ${errorText(error)}`);
  if (reason === 'interrupted') problems.push('the run was interrupted before it finished');
  return { tests, problems };
}
