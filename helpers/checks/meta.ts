// What a grading test hands to the reporters: vitest carries task.meta from the test to them.
import type { CheckResult } from './result.ts';

export interface CheckMeta extends CheckResult {
  /** Milliseconds per live phase: preflight, boot, assert, evidence, teardown … */
  timings?: Record<string, number>;
  /** Evidence files written on failure, relative to the project root (reports/<part>/…). */
  evidence?: string[];
}

declare module 'vitest' {
  interface TaskMeta {
    iot?: CheckMeta;
  }
}
