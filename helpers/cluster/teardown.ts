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

export interface CleanupStep {
  name: string;
  run: () => Promise<void> | void;
}

/** Cleanups registered while a part boots and is exercised; run last-in, first-out, every one even if one fails. */
export class CleanupStack {
  private readonly steps: CleanupStep[] = [];

  push(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  get size(): number {
    return this.steps.length;
  }

  /** Runs and empties the stack; returns one message per step that threw. */
  async runAll(log: (text: string) => void = () => {}): Promise<string[]> {
    const errors: string[] = [];
    while (this.steps.length) {
      const step = this.steps.pop()!;
      try {
        log(`cleanup: ${step.name}`);
        await step.run();
      } catch (error) {
        errors.push(`${step.name}: ${(error as Error).message.split('\n')[0]}`);
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
 * Turns Ctrl-C (SIGINT) and SIGTERM into an orderly teardown: the first signal aborts what is running
 * (boot, polls) and runs onInterrupt once, then exit(130); a second signal exits at once.
 */
export class InterruptGuard {
  readonly controller = new AbortController();
  private readonly source: SignalSource;
  private readonly onInterrupt: () => Promise<void>;
  private readonly exit: (code: number) => void;
  private handling?: Promise<void>;
  private readonly listener = () => this.handle();

  constructor(onInterrupt: () => Promise<void>, options: { source?: SignalSource; exit?: (code: number) => void } = {}) {
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
    this.handling = this.onInterrupt()
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
