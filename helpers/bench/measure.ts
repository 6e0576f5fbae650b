// What every benchmark reports: the median of its runs, whether it met its target, and the processor time
// the processes it started used.
import { readFileSync } from 'node:fs';

export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const verdict = (ok: boolean): string => (ok ? 'ok' : 'OVER TARGET');

/** A BENCH_RUNS value as a number of runs: `fallback` when unset or empty, undefined unless a whole number of at least `least`. */
export function parseRuns(value: string | undefined, fallback: number, least = 1): number | undefined {
  if (value === undefined || value.trim() === '') return fallback;
  const runs = Number(value);
  return Number.isInteger(runs) && runs >= least ? runs : undefined;
}

/** How many runs a benchmark makes (BENCH_RUNS); a bad value stops it with one line. */
export function benchRuns(fallback: number, least = 1): number {
  const runs = parseRuns(process.env.BENCH_RUNS, fallback, least);
  if (runs === undefined) {
    console.error(`BENCH_RUNS=${process.env.BENCH_RUNS}: expected a whole number of runs, at least ${least} (default ${fallback})`);
    process.exit(2);
  }
  return runs;
}

/**
 * Runs the two sides of a compared pair, each first every other iteration, and returns their results in the order
 * given. A run right after a heavy one is slower (on the 2-core machine, the grading alone by ~55 ms after
 * `npm test -- static`, over 88 pairs), so a fixed order would favour one side.
 */
export function runInTurn<A, B>(iteration: number, a: () => A, b: () => B): [A, B] {
  if (iteration % 2 === 0) {
    const first = a();
    return [first, b()];
  }
  const first = b();
  return [a(), first];
}

/** Linux reports processor times in /proc in ticks of 1/100 s (USER_HZ, the same on every architecture). */
const TICK_MS = 10;

/**
 * The processor time (user + system, ms) of the children this process has waited for, from a line of
 * /proc/<pid>/stat: fields 16 and 17 (cutime, cstime), counted after the command name, which is in
 * parentheses and may itself hold spaces and parentheses.
 */
export function waitedChildrenMs(statLine: string): number {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): field n is fields[n - 3].
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/** The processor time of this process's waited-for children so far, or undefined where /proc is not Linux's. */
export function childrenProcessorMs(): number | undefined {
  try {
    const ms = waitedChildrenMs(readFileSync('/proc/self/stat', 'utf8'));
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}
