import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { childrenProcessorMs, median, parseRuns, runInTurn, waitedChildrenMs } from './measure.ts';

describe('benchmark measures', () => {
  test('the median of an odd or even number of runs is a run, the upper middle one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3);
  });

  test('BENCH_RUNS is a whole number of runs, at least the least a benchmark needs; unset or empty means its default', () => {
    expect(parseRuns(undefined, 5)).toBe(5);
    expect(parseRuns('', 5)).toBe(5);
    expect(parseRuns('9', 5)).toBe(9);
    for (const bad of ['abc', '2.5', '0', '-3', 'Infinity']) expect(parseRuns(bad, 5), bad).toBeUndefined();
    expect(parseRuns('1', 4, 2)).toBeUndefined();
  });

  test('the two sides of a compared pair take turns running first, and their results keep their order', () => {
    const ran: string[] = [];
    const side = (name: string) => () => {
      ran.push(name);
      return `${name} result`;
    };
    const results = [0, 1, 2, 3].map((iteration) => runInTurn(iteration, side('npm test'), side('grading alone')));
    expect(ran).toEqual([
      'npm test',
      'grading alone',
      'grading alone',
      'npm test',
      'npm test',
      'grading alone',
      'grading alone',
      'npm test',
    ]);
    expect(results).toEqual(Array(4).fill(['npm test result', 'grading alone result']));
  });

  test('children processor time is read after the command name, even one with spaces and parentheses', () => {
    // A real line of /proc/<pid>/stat (cat's own), with a command name made awkward and cutime 37, cstime 5.
    const line =
      '25570 (a (b) c) R 25568 25568 1184 0 -1 4194304 96 0 0 0 0 0 37 5 20 0 1 0 192222 3133440 361 18446744073709551615 0 0 0 0 0';
    expect(waitedChildrenMs(line)).toBe(420);
  });

  test.runIf(process.platform === 'linux')('on Linux, a child this process waited for is counted once it has ended', () => {
    const before = childrenProcessorMs()!;
    const child = spawnSync(process.execPath, ['-e', 'const end = Date.now() + 200; while (Date.now() < end);']);
    expect(child.status).toBe(0);
    expect(childrenProcessorMs()! - before).toBeGreaterThanOrEqual(150);
  });
});
