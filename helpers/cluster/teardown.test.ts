import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DetachedTeardown, type TeardownPlan } from './teardown-handover.ts';
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

describe('cleanup stack as the detached teardown sees it', () => {
  test('a step leaves the stack only once it ran, so a teardown cut short hands that step over too', async () => {
    const stack = new CleanupStack();
    const seen: string[][] = [];
    stack.onChange = () => seen.push(stack.pending().map((s) => s.name));
    stack.push('k3d cluster delete iot', () => {}, { kind: 'run', cmd: 'k3d', args: ['cluster', 'delete', 'iot'] });
    stack.push('restore the Application', () => {
      seen.push(['running: ', ...stack.pending().map((s) => s.name)]);
    });
    await stack.runAll();
    expect(seen).toEqual([
      ['k3d cluster delete iot'],
      ['restore the Application', 'k3d cluster delete iot'],
      ['running: ', 'restore the Application', 'k3d cluster delete iot'],
      ['k3d cluster delete iot'],
      [],
    ]);
  });
});

describe('the detached teardown process (real processes)', () => {
  const until = async (condition: () => Promise<boolean>, ms = 15_000): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  };
  const read = (file: string) => readFile(file, 'utf8').catch(() => '');

  test('dismissed after a normal teardown, it does nothing; when this side goes away, it runs the latest plan', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iot-handover-'));
    try {
      const marks = join(dir, 'marks');
      const plan = (word: string): TeardownPlan => ({
        part: 'p3',
        steps: [
          { name: 'stop the suite git server' },
          { name: `mark ${word}`, detached: { kind: 'run', cmd: 'sh', args: ['-c', `echo ${word} >> ${marks}`] } },
        ],
      });
      const dismissed = DetachedTeardown.start(join(dir, 'one'));
      dismissed.update(plan('dismissed'));
      dismissed.dismiss();
      const taken = DetachedTeardown.start(join(dir, 'two'));
      taken.update(plan('first'));
      taken.update(plan('latest'));
      taken.takeOver();
      const log = join(dir, 'two', 'teardown.log');
      expect(await until(async () => (await read(log)).includes('teardown finished'))).toBe(true);
      expect(await read(marks)).toBe('latest\n');
      const text = await read(log);
      expect(text).toContain(`[p3] the test process ended before its teardown: tearing down in the background (pid ${taken.pid})`);
      expect(text).toContain('stop the suite git server: nothing to do (it ended with the test process)');
      expect(text).toContain(`mark latest: sh -c echo latest >> ${marks}`);
      expect(text).toContain('[p3] teardown finished: 2 step(s) done');
      expect(await read(join(dir, 'one', 'teardown.log'))).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a failing command is retried as asked (vagrant destroy while the interrupted vagrant up still holds its lock)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iot-handover-'));
    try {
      const count = join(dir, 'count');
      // Fails twice, then succeeds.
      const script = `n=$(cat ${count} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${count}; [ $n -ge 3 ] || { echo "machine is locked" >&2; exit 1; }`;
      const handover = DetachedTeardown.start(dir);
      handover.update({
        part: 'p1',
        steps: [{ name: 'vagrant destroy -f', detached: { kind: 'run', cmd: 'sh', args: ['-c', script], retries: 3, retryDelayMs: 100 } }],
        kept: undefined,
      });
      handover.takeOver();
      const log = join(dir, 'teardown.log');
      expect(await until(async () => (await read(log)).includes('teardown finished'))).toBe(true);
      expect(await read(count)).toBe('3\n');
      const text = await read(log);
      expect(text).toContain('  | machine is locked');
      expect(text).toContain('  failed (exit code 1); trying again in 0 s (2/4)');
      expect(text).toContain('[p1] teardown finished: 1 step(s) done');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
