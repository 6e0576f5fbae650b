// What a check says about the target: the row the JSON report writes.
import type { Part, Severity } from '../catalog/checks.ts';
import type { Location } from '../target/location.ts';

export type Status = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  status: Status;
  /** What was found, in the evaluator's words; for a fail, what is wrong. */
  message: string;
  /** For a fail: what to change. */
  fix?: string;
  locations: Location[];
  /** For a fail: what failed, in a few words, for the checks that need this one to quote; never reported. */
  cause?: string;
}

/** One row of IOT_REPORT: a result plus its catalog entry. */
export interface ReportRow extends CheckResult {
  part: Part;
  severity: Severity;
  title: string;
  tier: 'static' | 'live';
  /** Milliseconds per live phase (boot, assert, teardown …). */
  timings?: Record<string, number>;
  /** Evidence files written for a failed live check, relative to the project root. */
  evidence?: string[];
}

export const pass = (id: string, message: string, locations: Location[] = []): CheckResult => ({ id, status: 'pass', message, locations });
export const fail = (id: string, message: string, fix: string, locations: Location[] = []): CheckResult => ({
  id,
  status: 'fail',
  message,
  fix,
  locations,
});
export const skip = (id: string, message: string, locations: Location[] = []): CheckResult => ({ id, status: 'skip', message, locations });
