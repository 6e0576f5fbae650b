// The teardown that survives the test process. When a part boots, a detached process (teardown-sentinel.ts)
// is started and kept informed of what the teardown would do now (reports/<part>/teardown-plan.json). At the
// end of a normal run the test process tears down itself and dismisses it. When the test process goes away
// first (Ctrl-C: vitest's main process exits at once and its watchdog kills the worker; a crash; a closed
// terminal), the pipe between them closes, and the detached process runs the plan, logging to
// reports/<part>/teardown.log. It is in a session of its own, so the terminal's signals do not reach it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFolder } from '../config/make-folder.ts';
import { releaseLock } from './host-lock.ts';
import type { DetachedStep } from './teardown.ts';

export interface TeardownPlan {
  part: string;
  /** Steps in the order they run: what checks changed first, then what the boot created (when destroyed). */
  steps: Array<{ name: string; detached?: DetachedStep }>;
  /** Set when IOT_KEEP keeps the part: why, and how to remove it. */
  kept?: string;
  /** The host lock to release when done. */
  lock?: { path: string; pids: number[] };
}

/** What the session needs from the detached teardown (self-tests record it instead). */
export interface TeardownHandover {
  readonly pid?: number;
  readonly logFile: string;
  /** The plan as it stands now; written synchronously, so the latest one is there whenever the process dies. */
  update(plan: TeardownPlan): void;
  /** The test process tore down itself: the detached process exits without doing anything. */
  dismiss(): void;
  /** Hands the teardown over now (first Ctrl-C); returns at once. */
  takeOver(): void;
}

const SENTINEL = join(dirname(fileURLToPath(import.meta.url)), 'teardown-sentinel.ts');

/** Node before 22.18 / 23.6 runs a .ts file only with type stripping turned on. */
const nodeFlags = (): string[] =>
  (process.features as { typescript?: string | false }).typescript ? ['--no-warnings'] : ['--no-warnings', '--experimental-strip-types'];

export class DetachedTeardown implements TeardownHandover {
  readonly logFile: string;
  readonly planFile: string;
  private readonly child: ChildProcess;
  private ended = false;

  private constructor(child: ChildProcess, planFile: string, logFile: string) {
    this.child = child;
    this.planFile = planFile;
    this.logFile = logFile;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts the detached process for a part; `folder` is reports/<part>. */
  static start(folder: string, env: NodeJS.ProcessEnv = process.env): DetachedTeardown {
    makeFolder(folder);
    const planFile = join(folder, 'teardown-plan.json');
    const logFile = join(folder, 'teardown.log');
    writeFileSync(planFile, `${JSON.stringify({ part: 'unknown', steps: [] })}\n`);
    // The terminal, when there is one: the detached process tells the user there that it took over, since
    // vitest's own output is gone by then.
    let tty: number | undefined;
    try {
      tty = openSync('/dev/tty', 'w');
    } catch {
      tty = undefined;
    }
    const child = spawn(process.execPath, [...nodeFlags(), SENTINEL, planFile, logFile], {
      detached: true,
      env,
      stdio: tty === undefined ? ['pipe', 'ignore', 'ignore'] : ['pipe', 'ignore', 'ignore', tty],
    });
    if (tty !== undefined) closeSync(tty);
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return new DetachedTeardown(child, planFile, logFile);
  }

  update(plan: TeardownPlan): void {
    if (this.ended) return;
    writeFileSync(this.planFile, `${JSON.stringify(plan, null, 2)}\n`);
  }

  dismiss(): void {
    if (this.ended) return;
    this.ended = true;
    this.child.stdin?.end('dismiss\n');
    try {
      unlinkSync(this.planFile);
    } catch {
      // already gone
    }
  }

  takeOver(): void {
    if (this.ended) return;
    this.ended = true;
    this.child.stdin?.destroy();
  }
}

// ---- The detached side (teardown-sentinel.ts runs this) ----

function describeStep(step: DetachedStep): string {
  switch (step.kind) {
    case 'run':
      return [step.cmd, ...step.args].join(' ') + (step.cwd ? ` (in ${step.cwd})` : '');
    case 'kill-group':
      return `kill -TERM -${step.pid}`;
    case 'kill':
      return `kill -TERM ${step.pid}`;
    case 'remove':
      return `rm -rf ${step.path}`;
  }
}

function signal(pid: number): string {
  try {
    process.kill(pid, 'SIGTERM');
    return 'signalled';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'already gone' : (error as Error).message;
  }
}

/** Runs one step; returns a problem, or undefined when it worked. */
function runStep(step: DetachedStep, log: (text: string) => void): string | undefined {
  switch (step.kind) {
    case 'kill-group':
      log(`  ${signal(-step.pid)}`);
      return undefined;
    case 'kill':
      log(`  ${signal(step.pid)}`);
      return undefined;
    case 'remove':
      rmSync(step.path, { recursive: true, force: true });
      return undefined;
    case 'run': {
      const tries = 1 + (step.retries ?? 0);
      let last = '';
      for (let attempt = 1; attempt <= tries; attempt++) {
        const result = spawnSync(step.cmd, step.args, {
          cwd: step.cwd,
          encoding: 'utf8',
          timeout: step.timeoutMs ?? 600_000,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        for (const line of `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').filter(Boolean)) log(`  | ${line}`);
        if (result.status === 0) return undefined;
        last = result.error ? result.error.message : `exit code ${result.status ?? result.signal}`;
        if (attempt < tries) {
          log(`  failed (${last}); trying again in ${Math.round((step.retryDelayMs ?? 10_000) / 1000)} s (${attempt}/${tries})`);
          spawnSync('sleep', [String((step.retryDelayMs ?? 10_000) / 1000)]);
        }
      }
      return last;
    }
  }
}

/** Runs a plan file's steps in order, every one even after one fails; logs to the log file (and the terminal). */
export function runPlan(planFile: string, logFile: string, terminal?: number): void {
  const say = (text: string, toTerminal = false): void => {
    appendFileSync(logFile, `${new Date().toISOString()} ${text}\n`);
    if (toTerminal && terminal !== undefined) {
      try {
        writeSync(terminal, `\n${text}\n`);
      } catch {
        // the terminal is gone
      }
    }
  };
  let plan: TeardownPlan;
  try {
    plan = JSON.parse(readFileSync(planFile, 'utf8')) as TeardownPlan;
  } catch (error) {
    // No plan: the test process tore down and dismissed this process (its message may not have arrived).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    say(`cannot read the teardown plan ${planFile}: ${(error as Error).message}`, true);
    return;
  }
  say(
    `[${plan.part}] the test process ended before its teardown: tearing down in the background (pid ${process.pid}); log: ${logFile}`,
    true,
  );
  const problems: string[] = [];
  for (const step of plan.steps) {
    if (!step.detached) {
      say(`${step.name}: nothing to do (it ended with the test process)`);
      continue;
    }
    say(`${step.name}: ${describeStep(step.detached)}`);
    try {
      const problem = runStep(step.detached, (text) => say(text));
      if (problem) problems.push(`${step.name}: ${problem}`);
    } catch (error) {
      problems.push(`${step.name}: ${(error as Error).message}`);
    }
  }
  if (plan.kept) say(plan.kept, true);
  if (plan.lock) releaseLock(plan.lock.path, plan.lock.pids);
  say(
    problems.length
      ? `[${plan.part}] teardown finished with ${problems.length} problem(s): ${problems.join('; ')} (log: ${logFile})`
      : `[${plan.part}] teardown finished: ${plan.steps.length} step(s) done (log: ${logFile})`,
    true,
  );
}
