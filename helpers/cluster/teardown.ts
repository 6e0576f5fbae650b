// Teardown of a booted part: a stack of cleanups run in reverse order of creation (Chainsaw-style), a
// policy (IOT_KEEP) that says whether the part is destroyed, and a guard that still tears down on Ctrl-C.
import type { KeepPolicy } from '../config/env.ts';

export type RunOutcome = 'success' | 'failure' | 'interrupted';
export type TeardownAction = 'destroy' | 'keep';

/**
 * never: always destroy; always: always keep; on-failure (default): keep when a check failed.
 * An interrupted run keeps only what a failure already asked to keep: Ctrl-C leaves nothing running by default.
 */
export function teardownAction(policy: KeepPolicy, outcome: RunOutcome, failedChecks = 0): TeardownAction {
  if (policy === 'never') return 'destroy';
  if (policy === 'always') return 'keep';
  if (outcome === 'failure') return 'keep';
  if (outcome === 'interrupted' && failedChecks > 0) return 'keep';
  return 'destroy';
}

export function outcomeOf(failedChecks: number, interrupted: boolean): RunOutcome {
  if (interrupted) return 'interrupted';
  return failedChecks > 0 ? 'failure' : 'success';
}

/**
 * The same cleanup as another process can do it, from a description alone: the detached teardown
 * (teardown-handover.ts) runs these after the test process is gone.
 */
export type DetachedStep =
  | { kind: 'run'; cmd: string; args: string[]; cwd?: string; timeoutMs?: number; retries?: number; retryDelayMs?: number }
  | { kind: 'kill-group'; pid: number }
  | { kind: 'kill'; pid: number }
  | { kind: 'remove'; path: string };

export interface CleanupStep {
  name: string;
  run: () => Promise<void> | void;
  /** How another process does the same; absent when it ends with the test process anyway (an in-process server). */
  detached?: DetachedStep;
}

/** Cleanups registered while a part boots and is exercised; run last-in, first-out, every one even if one fails. */
export class CleanupStack {
  private readonly steps: CleanupStep[] = [];
  /** Called whenever the stack changes (the detached teardown's plan follows it). */
  onChange?: () => void;

  push(name: string, run: () => Promise<void> | void, detached?: DetachedStep): void {
    this.steps.push({ name, run, ...(detached ? { detached } : {}) });
    this.onChange?.();
  }

  get size(): number {
    return this.steps.length;
  }

  /** The steps in the order they would run (last pushed first). */
  pending(): CleanupStep[] {
    return [...this.steps].reverse();
  }

  /**
   * Runs and empties the stack; returns one message per step that threw. A step leaves the stack only once it
   * ran, so a teardown interrupted in the middle of a step hands that step over too.
   */
  async runAll(log: (text: string) => void = () => {}): Promise<string[]> {
    const errors: string[] = [];
    while (this.steps.length) {
      const step = this.steps.at(-1)!;
      try {
        log(`cleanup: ${step.name}`);
        await step.run();
      } catch (error) {
        errors.push(`${step.name}: ${(error as Error).message.split('\n')[0]}`);
      } finally {
        this.steps.splice(this.steps.lastIndexOf(step), 1);
        this.onChange?.();
      }
    }
    return errors;
  }
}

/** What the user reads when a part is kept. */
export function keepNotice(part: string, reason: string, cleanupCommands: string[]): string {
  return [`${part}: kept running (${reason}). To remove it:`, ...cleanupCommands.map((command) => `  ${command}`)].join('\n');
}

export interface SignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a teardown that survives the test process: the first signal aborts
 * what is running (boot, polls) and calls onInterrupt, which hands the teardown over to a detached process
 * synchronously — vitest's main process exits about 1 ms after SIGINT and its watchdog then kills the worker
 * (docs/upstream-behaviour.md, "Live checks") — then exit(130). A second signal exits at once.
 */
export class InterruptGuard {
  readonly controller = new AbortController();
  private readonly source: SignalSource;
  private readonly onInterrupt: () => Promise<void> | void;
  private readonly exit: (code: number) => void;
  private handling?: Promise<void>;
  private readonly listener = () => this.handle();

  constructor(onInterrupt: () => Promise<void> | void, options: { source?: SignalSource; exit?: (code: number) => void } = {}) {
    this.onInterrupt = onInterrupt;
    this.source = options.source ?? process;
    this.exit = options.exit ?? ((code) => process.exit(code));
    this.source.on('SIGINT', this.listener);
    this.source.on('SIGTERM', this.listener);
  }

  get interrupted(): boolean {
    return this.controller.signal.aborted;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private handle(): void {
    if (this.handling) {
      this.exit(130);
      return;
    }
    this.controller.abort(new Error('interrupted (Ctrl-C)'));
    let handed: Promise<void> | void;
    try {
      handed = this.onInterrupt();
    } catch {
      handed = undefined;
    }
    this.handling = Promise.resolve(handed)
      .catch(() => {})
      .finally(() => this.exit(130));
  }

  /** Waits for an interrupt's teardown, if one is under way (self-tests). */
  async settled(): Promise<void> {
    await this.handling;
  }

  dispose(): void {
    this.source.off('SIGINT', this.listener);
    this.source.off('SIGTERM', this.listener);
  }
}
