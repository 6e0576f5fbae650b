import { describe, expect, test } from 'vitest';
import { precondition } from './check-dependencies.ts';
import type { CheckOutcome } from './part-session.ts';

const ok = { ok: true } as const;
const broken = { ok: false, error: new Error('vagrant up failed') } as const;
const outcomes = (entries: Array<[string, CheckOutcome]>) => new Map(entries);

describe('one root cause, one failure', () => {
  test('a failed boot is reported by its owner; the others skip naming it', () => {
    expect(precondition('P1L-UP', 'P1L-UP', [], broken, outcomes([]))).toEqual({ kind: 'boot-failure', error: broken.error });
    expect(precondition('P1L-NODES', 'P1L-UP', ['P1L-SSH'], broken, outcomes([['P1L-UP', { status: 'fail' }]]))).toEqual({
      kind: 'skip',
      message: 'skipped: P1L-UP failed',
      root: 'P1L-UP',
    });
  });

  test('when the owner was filtered out, the first check that runs reports the boot failure', () => {
    expect(precondition('P1L-NODES', 'P1L-UP', [], broken, outcomes([]))).toEqual({ kind: 'boot-failure', error: broken.error });
  });

  test('a failed prerequisite skips, and a skip caused by a failure passes the root on', () => {
    const seen = outcomes([
      ['P3L-V1', { status: 'fail' }],
      ['P3L-V1-TO-V2', { status: 'skip', root: 'P3L-V1' }],
    ]);
    expect(precondition('P3L-V1-TO-V2', 'P3L-CLUSTER', ['P3L-V1'], ok, seen)).toEqual({
      kind: 'skip',
      message: 'skipped: P3L-V1 failed',
      root: 'P3L-V1',
    });
    expect(precondition('P3L-ROLLBACK', 'P3L-CLUSTER', ['P3L-V1-TO-V2'], ok, seen)).toEqual({
      kind: 'skip',
      message: 'skipped: P3L-V1 failed',
      root: 'P3L-V1',
    });
  });

  test('a prerequisite that passed, was not applicable, or did not run lets the check run', () => {
    const seen = outcomes([
      ['P2L-ROUTE-APP1', { status: 'pass' }],
      ['P2L-APP2-SPREAD', { status: 'skip' }],
    ]);
    expect(precondition('P2L-ROUTE-APP2', 'P2L-UP', ['P2L-ROUTE-APP1'], ok, seen)).toEqual({ kind: 'run' });
    expect(precondition('X', 'P2L-UP', ['P2L-APP2-SPREAD', 'P2L-APPS'], ok, seen)).toEqual({ kind: 'run' });
  });
});
