// The static grading in its own Node process: a process of its own runs Ruby's WebAssembly on the
// baseline compiler (--liftoff-only) and keeps a crash of the grader out of vitest.
//   --out FILE   grades the target once, writes FILE (graded-results.mjs) and exits.
//   --serve      (watch mode) stays up with Ruby booted, and grades again on each request sent over IPC:
//                { out: FILE } → writes FILE, answers { done: FILE }.
// Started by grading-child.mjs (one grading) and grading-service.ts (watch mode).
import { constants } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { out: { type: 'string' }, serve: { type: 'boolean' } } });
if (!values.out === !values.serve) {
  console.error('usage: grading-process.ts --out FILE | --serve');
  process.exit(2);
}
/**
 * Ends this process as `signal` would, after its exit handlers have ended the ShellCheck runs and removed the sandbox
 * copies it started. Not process.exit(): with V8 compiling in the background, Node can hang in it (nodejs/node#54918).
 */
function endBy(signal: 'SIGTERM' | 'SIGHUP'): void {
  process.emit('exit', 128 + constants.signals[signal]);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}
// npm-test.mjs stops a grading it no longer needs with SIGTERM.
for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => endBy(signal));
if (values.out) await (await import('./one-grading.ts')).gradeOnce(values.out);
else {
  await (await import('./grader-warm-up.ts')).warmUpGrader('serve');
  const { config } = await import('../config/env.ts');
  const { gradeStatic } = await import('../checks/grade.ts');
  const { writeGrading } = await import('./graded-results.mjs');
  const settings = config();
  const gradeInto = async (out: string): Promise<void> =>
    writeGrading(out, { target: settings.repo, results: await gradeStatic(settings) });
  let queue = Promise.resolve();
  process.on('message', (request: { out: string }) => {
    queue = queue.then(async () => {
      await gradeInto(request.out);
      process.send?.({ done: request.out });
    });
  });
  // The watcher is gone: so is this service.
  process.on('disconnect', () => endBy('SIGTERM'));
}
