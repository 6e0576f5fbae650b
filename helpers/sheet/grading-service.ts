// Starts the static grading of a target in a child process (grading-process.ts) and waits for its
// file. A grading that dies leaves a file too, naming the exit and the grader's last words, so that
// every static test reports it instead of hanging or crashing vitest.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasGrading, writeGrading } from './graded-results.ts';

/** Node flags of the grading process: Ruby's WebAssembly on the baseline compiler (faster start, ~85 MB lighter). */
export const GRADING_NODE_FLAGS = ['--no-warnings', '--liftoff-only'];
const GRADING_PROCESS = fileURLToPath(new URL('./grading-process.ts', import.meta.url));
const STDERR_TAIL = 4000;

export interface GradingRequest {
  /** Where the grading writes its file. */
  out: string;
  /** The target, for the crash report. */
  target: string;
  env?: NodeJS.ProcessEnv;
  /** The process's entry point; tests give another one. */
  entry?: string;
  /** Stops the grading: its file then reports the abort. */
  signal?: AbortSignal;
}

/** What a grading's file says when its process ended without results. */
function stoppedBeforeResults(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const exit = signal ? `was killed by ${signal}` : `exited with status ${code}`;
  const said = stderr.trim();
  return `the grading process ${exit} before writing its results${said ? `:\n${said}` : ''}`;
}

/** Grades in a child process; resolves once `out` holds the results or the crash report. Never rejects. */
export function gradeInChildProcess(request: GradingRequest): Promise<void> {
  return new Promise((resolve) => {
    let stderr = '';
    const crash = (reason: string): void => {
      writeGrading(request.out, { target: request.target, crash: reason });
      resolve();
    };
    const child = spawn(process.execPath, [...GRADING_NODE_FLAGS, request.entry ?? GRADING_PROCESS, '--out', request.out], {
      env: request.env ?? process.env,
      stdio: ['ignore', 'ignore', 'pipe'],
      signal: request.signal,
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    child.on('error', (error) => {
      if (error.name !== 'AbortError') crash(`the grading process could not start: ${error.message}`);
    });
    child.on('close', (code, signal) => {
      if (code === 0 && hasGrading(request.out)) return resolve();
      crash(stoppedBeforeResults(code, signal, stderr));
    });
  });
}

/**
 * Watch mode's grading: one process that stays up between gradings (Ruby booted, the grader's modules
 * loaded). A grading that does not come back (the process died) is reported in its file, and the next
 * one starts a new process.
 */
export class GradingService {
  private child?: ChildProcess;
  private stderr = '';

  private readonly options: { target: string; env?: NodeJS.ProcessEnv; entry?: string };

  constructor(options: { target: string; env?: NodeJS.ProcessEnv; entry?: string }) {
    this.options = options;
  }

  private start(): ChildProcess {
    this.stderr = '';
    const child = fork(this.options.entry ?? GRADING_PROCESS, ['--serve'], {
      env: this.options.env ?? process.env,
      execArgv: GRADING_NODE_FLAGS,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
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
        writeGrading(out, { target: this.options.target, crash: stoppedBeforeResults(code, signal, this.stderr) });
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
