// The static suites' vocabulary: one test per check, titled "<ID>: <title>", that hands its
// result to the reporters (task.meta.iot) and fails, skips or passes as the check says.
import { test } from 'vitest';
import { checkSpec } from '../catalog/checks.ts';
import { formatLocation } from '../target/location.ts';
import { resultOf } from './results.ts';
import type { StaticCheckDeclaration } from '../checks/declare.ts';
import '../checks/meta.ts';
import type { CheckResult } from '../checks/result.ts';

const GRADING_TIMEOUT_MS = 120_000;

/** A failed check as an error: its message, where, and what to change; no stack trace. */
export class CheckFailed extends Error {
  constructor(result: CheckResult) {
    const where = result.locations.map(formatLocation);
    super(
      [result.message, where.length ? `at ${where.join(', ')}` : '', result.fix ? `fix: ${result.fix}` : ''].filter(Boolean).join('\n'),
    );
    this.name = result.id;
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** The test of one declared static check (a suite line `sheet(partTwo['P2-MACHINE'])`: go-to-definition on the ID reaches the declaration). */
export function sheet({ id }: StaticCheckDeclaration): void {
  const spec = checkSpec(id);
  // The first test waits for the run's grading: the time of the whole grading, not of one check.
  test(`${id}: ${spec.title}`, { timeout: GRADING_TIMEOUT_MS }, async ({ task, skip }) => {
    const result = await resultOf(id);
    task.meta.iot = result;
    if (result.status === 'skip') skip(result.message);
    if (result.status === 'fail') throw new CheckFailed(result);
  });
}
