// Expectations in the style of Argo CD's e2e fixtures: each look at the cluster says pending, failed or
// succeeded with a message. waitFor polls one with backoff (p-retry), stops at once on failed, and on
// timeout reports the last pending message: "timeout waiting for: 2 nodes Ready (have 1: wilS Ready)".
import pRetry, { AbortError } from 'p-retry';

export type VerdictState = 'pending' | 'failed' | 'succeeded';

export interface Verdict {
  state: VerdictState;
  message: string;
}

export const pending = (message: string): Verdict => ({ state: 'pending', message });
export const failed = (message: string): Verdict => ({ state: 'failed', message });
export const succeeded = (message: string): Verdict => ({ state: 'succeeded', message });

/** One look at the real thing. A thrown error counts as pending (the API may not answer yet). */
export type Expectation = (signal: AbortSignal) => Promise<Verdict> | Verdict;

export interface PollOptions {
  timeoutMs: number;
  /** First delay between looks, then multiplied by factor up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  /** A single look that takes longer than this is abandoned and counts as pending. */
  attemptTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called after every pending look (progress output). */
  onPending?: (verdict: Verdict, attempt: number) => void;
}

export interface PollResult {
  message: string;
  attempts: number;
  elapsedMs: number;
}

export class ExpectationFailed extends Error {
  readonly verdict: Verdict;
  readonly attempts: number;
  constructor(description: string, verdict: Verdict, attempts: number) {
    super(`${description}: ${verdict.message}`);
    this.name = 'ExpectationFailed';
    this.verdict = verdict;
    this.attempts = attempts;
  }
}

export class ExpectationTimeout extends Error {
  readonly lastVerdict: Verdict;
  readonly attempts: number;
  constructor(description: string, lastVerdict: Verdict, attempts: number, timeoutMs: number) {
    super(`timeout waiting for: ${description} (${lastVerdict.message}) after ${formatDuration(timeoutMs)}`);
    this.name = 'ExpectationTimeout';
    this.lastVerdict = lastVerdict;
    this.attempts = attempts;
  }
}

class Pending extends Error {
  readonly verdict: Verdict;
  constructor(verdict: Verdict) {
    super(verdict.message);
    this.verdict = verdict;
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

async function look(expectation: Expectation, attemptTimeoutMs: number, outer?: AbortSignal): Promise<Verdict> {
  const controller = new AbortController();
  const abort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', abort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<Verdict>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error('look timed out'));
        resolve(pending(`no answer within ${formatDuration(attemptTimeoutMs)}`));
      }, attemptTimeoutMs);
    });
    return await Promise.race([Promise.resolve().then(() => expectation(controller.signal)), timeout]);
  } catch (error) {
    return pending(`error: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', abort);
  }
}

/** Polls the expectation until it succeeds; throws ExpectationFailed or ExpectationTimeout otherwise. */
export async function waitFor(description: string, expectation: Expectation, options: PollOptions): Promise<PollResult> {
  const started = Date.now();
  const attemptTimeoutMs = options.attemptTimeoutMs ?? Math.min(30_000, options.timeoutMs);
  let attempts = 0;
  let last: Verdict = pending('not looked yet');
  try {
    const verdict = await pRetry(
      async () => {
        attempts += 1;
        const remaining = options.timeoutMs - (Date.now() - started);
        last = await look(expectation, Math.max(1, Math.min(attemptTimeoutMs, remaining)), options.signal);
        if (last.state === 'succeeded') return last;
        if (last.state === 'failed') throw new AbortError(new ExpectationFailed(description, last, attempts));
        throw new Pending(last);
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: options.minDelayMs ?? 500,
        maxTimeout: options.maxDelayMs ?? 5_000,
        factor: options.factor ?? 1.5,
        maxRetryTime: options.timeoutMs,
        signal: options.signal,
        onFailedAttempt: ({ error, attemptNumber }) => {
          if (error instanceof Pending) options.onPending?.(error.verdict, attemptNumber);
        },
        shouldRetry: ({ error }) => error instanceof Pending,
      },
    );
    return { message: verdict.message, attempts, elapsedMs: Date.now() - started };
  } catch (error) {
    if (error instanceof ExpectationFailed) throw error;
    if (error instanceof Pending) throw new ExpectationTimeout(description, error.verdict, attempts, options.timeoutMs);
    if (options.signal?.aborted) throw new Error(`interrupted while waiting for: ${description} (${last.message})`);
    throw error;
  }
}

/** All must succeed: the first failed one fails the whole; otherwise pending lists what is still pending. */
export function allOf(...expectations: Expectation[]): Expectation {
  return async (signal) => {
    const verdicts = await Promise.all(
      expectations.map((expectation) =>
        Promise.resolve()
          .then(() => expectation(signal))
          .catch((error: Error) => pending(`error: ${error.message}`)),
      ),
    );
    const failure = verdicts.find((v) => v.state === 'failed');
    if (failure) return failure;
    const waiting = verdicts.filter((v) => v.state === 'pending');
    if (waiting.length) return pending(waiting.map((v) => v.message).join('; '));
    return succeeded(verdicts.map((v) => v.message).join('; '));
  };
}
