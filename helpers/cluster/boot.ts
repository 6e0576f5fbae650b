// Booting a part: the target's own commands, streamed line by line with a prefix naming the part and the
// machine plus the elapsed time ("[p1 wilS +02:13] …"), copied to a log file, each phase within its budget.
import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolder } from '../config/make-folder.ts';
import type { Stream } from './command-runner.ts';
import { formatDuration } from './expectation.ts';

export interface BootLogOptions {
  part: string;
  /** Where every line is also appended (reports/<part>/boot.log). */
  logFile?: string;
  /** Terminal output; process.stderr by default (vitest shows it as it comes). */
  write?: (text: string) => void;
  now?: () => number;
}

/** Vagrant prefixes its lines with the machine: "==> wilS: Booting VM...", "    wilS: Running: inline script". */
const VAGRANT_MACHINE = /^(?:==> |\s{4})([A-Za-z0-9][\w.-]*): ?(.*)$/;

export function elapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class BootLog {
  private readonly part: string;
  private readonly logFile?: string;
  private readonly write: (text: string) => void;
  private readonly now: () => number;
  private readonly started: number;

  constructor(options: BootLogOptions) {
    this.part = options.part;
    this.logFile = options.logFile;
    this.write = options.write ?? ((text) => process.stderr.write(text));
    this.now = options.now ?? Date.now;
    this.started = this.now();
    if (this.logFile) makeFolder(dirname(this.logFile));
  }

  /** Formats one line; the machine comes from the line itself (vagrant) or from the caller (a script name). */
  format(line: string, source?: string): string {
    const match = VAGRANT_MACHINE.exec(line);
    const machine = match ? match[1] : source;
    const text = match ? match[2] : line;
    return `[${[this.part, machine].filter(Boolean).join(' ')} +${elapsed(this.now() - this.started)}] ${text}`;
  }

  line(line: string, source?: string, stream: Stream = 'stdout'): void {
    const formatted = this.format(line, source);
    this.write(`${formatted}\n`);
    if (this.logFile) appendFileSync(this.logFile, `${stream === 'stderr' ? '!' : ' '} ${formatted}\n`);
  }

  /** A line-callback for CommandRunner's onLine. */
  sink(source?: string): (line: string, stream: Stream) => void {
    return (line, stream) => this.line(line, source, stream);
  }

  note(text: string): void {
    this.line(`--- ${text}`);
  }
}

export class PhaseBudgetExceeded extends Error {
  constructor(phase: string, budgetMs: number, variable: string) {
    super(
      `boot phase "${phase}" did not finish within its budget of ${formatDuration(budgetMs)}; raise ${variable} if the host is slow, or make the step return`,
    );
    this.name = 'PhaseBudgetExceeded';
  }
}

/**
 * Runs one boot phase with its own budget: the phase receives a signal that aborts when the budget is spent
 * (or when the outer signal aborts), and its duration is recorded in timings under its name.
 */
export async function runPhase<T>(
  name: string,
  budgetMs: number,
  timings: Record<string, number>,
  body: (signal: AbortSignal) => Promise<T>,
  options: { signal?: AbortSignal; budgetVariable?: string } = {},
): Promise<T> {
  const started = Date.now();
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new PhaseBudgetExceeded(name, budgetMs, options.budgetVariable ?? 'IOT_BOOT_TIMEOUT'));
  }, budgetMs);
  try {
    const result = await body(controller.signal);
    if (expired) throw new PhaseBudgetExceeded(name, budgetMs, options.budgetVariable ?? 'IOT_BOOT_TIMEOUT');
    return result;
  } catch (error) {
    if (expired) throw new PhaseBudgetExceeded(name, budgetMs, options.budgetVariable ?? 'IOT_BOOT_TIMEOUT');
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
    timings[name] = Date.now() - started;
  }
}
