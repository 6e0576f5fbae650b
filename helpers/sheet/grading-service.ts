// Watch mode's grading: one process (grading-process.ts --serve) that stays up between gradings.
// A one-off grading is grading-child.mjs.
import { type ChildProcess, fork } from 'node:child_process';
import { writeGrading } from './graded-results.mjs';
import { GRADING_NODE_FLAGS, GRADING_PROCESS, lastWordsOf, stoppedBeforeResults, withCompileCache } from './grading-child.mjs';

/**
 * Watch mode's grading: one process that stays up between gradings (Ruby booted, the grader's modules
 * loaded). A grading that does not come back (the process died) is reported in its file, and the next
 * one starts a new process.
 */
export class GradingService {
  private child?: ChildProcess;
  private stderr: () => string = () => '';

  private readonly options: { target: string; env?: NodeJS.ProcessEnv; entry?: string };

  constructor(options: { target: string; env?: NodeJS.ProcessEnv; entry?: string }) {
    this.options = options;
  }

  private start(): ChildProcess {
    const child = fork(this.options.entry ?? GRADING_PROCESS, ['--serve'], {
      env: withCompileCache(this.options.env ?? process.env),
      execArgv: GRADING_NODE_FLAGS,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.stderr = lastWordsOf(child.stderr!);
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    return child;
  }

  /** Grades into `out`; resolves once it holds the results or the crash report. Never rejects. */
  grade(out: string): Promise<void> {
    const child = (this.child ??= this.start());
    return new Promise((resolve) => {
      const finish = (): void => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve();
      };
      const onMessage = (reply: { done?: string }): void => {
        if (reply.done === out) finish();
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        writeGrading(out, { target: this.options.target, crash: stoppedBeforeResults(code, signal, this.stderr()) });
        finish();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ out });
    });
  }

  close(): void {
    this.child?.kill();
    this.child = undefined;
  }
}
