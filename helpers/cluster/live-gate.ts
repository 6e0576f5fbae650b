// Whether a part's live checks may run: a missing tool (or a missing part) skips them with one line,
// except with IOT_LIVE=1, where the same line fails them at once, before any boot is attempted.
import type { PreflightReport } from './preflight.ts';

export type Gate = { kind: 'run' } | { kind: 'skip'; message: string } | { kind: 'fail'; message: string };

export function gateFor(report: Pick<PreflightReport, 'ok' | 'message'>, live: boolean): Gate {
  if (report.ok) return { kind: 'run' };
  if (live) return { kind: 'fail', message: `${report.message} (IOT_LIVE=1: a missing tool is a failure)` };
  return { kind: 'skip', message: `skipped: ${report.message}` };
}

/** A part the target does not have is never a failure: its checks are not applicable. */
export function absentPartGate(message: string): Gate {
  return { kind: 'skip', message: `skipped: ${message}` };
}
