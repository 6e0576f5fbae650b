// One static grading of the target in the calling process, as every process that grades once does it: npm test's
// own process (npm-test.mjs), the grading process (grading-process.ts) and the benchmark (helpers/bench/grade-once.ts).
// Ruby starts first, the results are written as soon as they are known, and nothing the grading started outlives it.
import type { CheckResult } from '../checks/result.ts';
import { releaseSandbox } from '../vagrantfile/ruby-sandbox.ts';
import { warmUpGrader } from './grader-warm-up.ts';

/** Grades the target of this process's settings; with `out`, writes the grading file there (graded-results.mjs). */
export async function gradeOnce(out?: string): Promise<CheckResult[]> {
  await warmUpGrader('once');
  const { config } = await import('../config/env.ts');
  const { gradeStatic } = await import('../checks/grade.ts');
  const settings = config();
  const results = await gradeStatic(settings);
  if (out) (await import('./graded-results.mjs')).writeGrading(out, { target: settings.repo, results });
  await releaseSandbox();
  // Graded: a ShellCheck run started ahead that no check waited for (G-SHELLCHECK skipped) is not needed; the
  // process then ends as its work does.
  (await import('../shell/shellcheck.ts')).endShellchecks();
  return results;
}
