import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { CleanupStack, InterruptGuard, keepNotice, outcomeOf, teardownAction, type SignalSource } from './teardown.ts';

describe('IOT_KEEP policy', () => {
  test.each([
    ['never', 'success', 0, 'destroy'],
    ['never', 'failure', 2, 'destroy'],
    ['always', 'success', 0, 'keep'],
    ['on-failure', 'success', 0, 'destroy'],
    ['on-failure', 'failure', 1, 'keep'],
    ['on-failure', 'interrupted', 0, 'destroy'],
    ['on-failure', 'interrupted', 1, 'keep'],
    ['always', 'interrupted', 0, 'keep'],
  ] as const)('%s, run %s with %i failures → %s', (policy, outcome, failures, action) => {
    expect(teardownAction(policy, outcome, failures)).toBe(action);
  });

  test('outcome of a run', () => {
    expect(outcomeOf(0, false)).toBe('success');
    expect(outcomeOf(3, false)).toBe('failure');
    expect(outcomeOf(3, true)).toBe('interrupted');
  });
});

describe('cleanup stack', () => {
  test('runs in reverse order of creation, every step even after one throws', async () => {
    const ran: string[] = [];
    const stack = new CleanupStack();
    stack.push('destroy cluster', () => void ran.push('cluster'));
    stack.push('stop git server', () => {
      ran.push('git');
      throw new Error('already closed\nmore');
    });
    stack.push('restore Application', async () => void ran.push('app'));
    const errors = await stack.runAll();
    expect(ran).toEqual(['app', 'git', 'cluster']);
    expect(errors).toEqual(['stop git server: already closed']);
    expect(stack.size).toBe(0);
  });

  test('keep notice says how to clean up', () => {
    expect(keepNotice('p1', 'IOT_KEEP=on-failure and P1L-NODES failed', ['(cd /x/p1 && vagrant destroy -f)'])).toBe(
      'p1: kept running (IOT_KEEP=on-failure and P1L-NODES failed). To remove it:\n  (cd /x/p1 && vagrant destroy -f)',
    );
  });
});

describe('interrupt guard (Ctrl-C)', () => {
  const source = (): EventEmitter & SignalSource => new EventEmitter() as EventEmitter & SignalSource;

  test('the first SIGINT aborts, tears down once, then exits 130', async () => {
    const signals = source();
    const exits: number[] = [];
    let teardowns = 0;
    const guard = new InterruptGuard(async () => void teardowns++, { source: signals, exit: (code) => exits.push(code) });
    expect(guard.interrupted).toBe(false);
    signals.emit('SIGINT');
    expect(guard.signal.aborted).toBe(true);
    await guard.settled();
    expect(teardowns).toBe(1);
    expect(exits).toEqual([130]);
  });

  test('a second signal exits at once; dispose removes the listeners', async () => {
    const signals = source();
    const exits: number[] = [];
    const guard = new InterruptGuard(() => new Promise<void>(() => {}), { source: signals, exit: (code) => exits.push(code) });
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    expect(exits).toEqual([130]);
    guard.dispose();
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});
