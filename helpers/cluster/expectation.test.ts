import { describe, expect, test } from 'vitest';
import { allOf, ExpectationFailed, ExpectationTimeout, failed, pending, succeeded, waitFor, type Verdict } from './expectation.ts';

const fast = { minDelayMs: 5, maxDelayMs: 20 };

describe('waitFor (expectation poller)', () => {
  test('polls until the expectation succeeds, with the number of looks', async () => {
    let calls = 0;
    const result = await waitFor('2 nodes Ready', () => (++calls < 4 ? pending(`have ${calls}`) : succeeded('2 nodes Ready')), {
      timeoutMs: 5_000,
      ...fast,
    });
    expect(result.message).toBe('2 nodes Ready');
    expect(result.attempts).toBe(4);
    expect(calls).toBe(4);
  });

  test('stops at once when the expectation fails', async () => {
    let calls = 0;
    const attempt = waitFor('2 nodes Ready', () => (++calls === 2 ? failed('node wils has InternalIP 10.0.2.15') : pending('have 1')), {
      timeoutMs: 5_000,
      ...fast,
    });
    await expect(attempt).rejects.toThrow(ExpectationFailed);
    await expect(attempt).rejects.toThrow('2 nodes Ready: node wils has InternalIP 10.0.2.15');
    expect(calls).toBe(2);
  });

  test('on timeout reports the last pending message', async () => {
    let calls = 0;
    const attempt = waitFor('2 nodes Ready', () => pending(`have 1: wils Ready (look ${++calls})`), { timeoutMs: 150, ...fast });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpectationTimeout);
    expect((error as Error).message).toMatch(/^timeout waiting for: 2 nodes Ready \(have 1: wils Ready \(look \d+\)\)/);
    expect((error as ExpectationTimeout).lastVerdict.message).toBe(`have 1: wils Ready (look ${calls})`);
    expect(calls).toBeGreaterThan(1);
  });

  test('delays grow with the backoff factor', async () => {
    const stamps: number[] = [];
    await waitFor(
      'x',
      () => {
        stamps.push(Date.now());
        return stamps.length < 5 ? pending('not yet') : succeeded('done');
      },
      { timeoutMs: 5_000, minDelayMs: 20, maxDelayMs: 1_000, factor: 2 },
    );
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    expect(gaps[3]!).toBeGreaterThan(gaps[0]! * 3);
  });

  test('a thrown error counts as pending and its message is kept', async () => {
    const attempt = waitFor(
      'the API',
      () => {
        throw new Error('connect ECONNREFUSED 192.168.56.110:6443');
      },
      { timeoutMs: 100, ...fast },
    );
    await expect(attempt).rejects.toThrow('timeout waiting for: the API (error: connect ECONNREFUSED 192.168.56.110:6443)');
  });

  test('a look that hangs is abandoned as pending', async () => {
    const attempt = waitFor('slow look', () => new Promise<Verdict>(() => {}), { timeoutMs: 200, attemptTimeoutMs: 50, ...fast });
    await expect(attempt).rejects.toThrow(/timeout waiting for: slow look \(no answer within \d+ ms\)/);
  });

  test('an abort stops the poll', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 50);
    await expect(waitFor('forever', () => pending('waiting'), { timeoutMs: 10_000, signal: controller.signal, ...fast })).rejects.toThrow();
  });

  test('allOf: a failure wins, then pending lists what waits', async () => {
    const signal = new AbortController().signal;
    expect(
      (
        await allOf(
          () => succeeded('a'),
          () => pending('b'),
          () => pending('c'),
        )(signal)
      ).message,
    ).toBe('b; c');
    expect(
      await allOf(
        () => pending('b'),
        () => failed('broken'),
      )(signal),
    ).toEqual(failed('broken'));
    expect(
      await allOf(
        () => succeeded('a'),
        () => succeeded('b'),
      )(signal),
    ).toEqual(succeeded('a; b'));
  });
});
