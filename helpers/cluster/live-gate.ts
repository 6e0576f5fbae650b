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

/**
 * Something on the host stands in the way of a boot. `busy`: what an earlier run left (a VM on 192.168.56.110,
 * a cluster on port 8888, another live run): always a failure, so it is not missed. `needs`: what this host
 * cannot give the target's scripts (sudo without a password): like a missing tool, a skip unless IOT_LIVE=1.
 */
export interface HostProblem {
  kind: 'busy' | 'needs';
  message: string;
}

export function gateForHost(problems: HostProblem[], live: boolean): Gate {
  const busy = problems.filter((p) => p.kind === 'busy');
  if (busy.length) return { kind: 'fail', message: busy.map((p) => p.message).join('; ') };
  if (problems.length === 0) return { kind: 'run' };
  const message = problems.map((p) => p.message).join('; ');
  return live
    ? { kind: 'fail', message: `${message} (IOT_LIVE=1: a host that cannot run the part is a failure)` }
    : { kind: 'skip', message: `skipped: ${message}` };
}
