// Grades one repository with every static check and prints one JSON line: the counts, the
// grading time and this process's peak memory. Run by static-grading.ts, which times the whole
// process including Node's start-up.
import { gradeOnce } from '../sheet/one-grading.ts';

const started = performance.now();
const results = await gradeOnce();
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
