// Grades one repository with every static check and prints one JSON line: the counts, the
// grading time and this process's peak memory. Run by static-grading.ts, which times the whole
// process including Node's start-up.
import { warmUpGrader } from '../sheet/grader-warm-up.ts';
import { releaseSandbox } from '../vagrantfile/ruby-sandbox.ts';

// As the grading process of npm test does (helpers/sheet/grading-process.ts).
const started = performance.now();
await warmUpGrader('once');
const { readConfig } = await import('../config/env.ts');
const { gradeStatic } = await import('../checks/grade.ts');
const results = await gradeStatic(readConfig({ ...process.env }));
await releaseSandbox();
(await import('../shell/shellcheck.ts')).endShellchecks();
const count = (status: string) => results.filter((result) => result.status === status).length;
console.log(
  JSON.stringify({
    checks: results.length,
    pass: count('pass'),
    fail: count('fail'),
    skip: count('skip'),
    gradingMs: Math.round(performance.now() - started),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
