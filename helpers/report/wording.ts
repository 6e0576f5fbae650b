// The words every report uses, in the evaluation sheet's order: parts, severities, statuses, durations.
import { PART_TITLES, type Part, type Severity } from '../catalog/checks.ts';
import type { Status } from '../checks/result.ts';

export const PART_ORDER: readonly Part[] = ['general', 'p1', 'p2', 'p3', 'bonus'];
export const SEVERITY_ORDER: readonly Severity[] = ['required', 'advised', 'practice'];

export const partTitle = (part: Part): string => PART_TITLES[part];

export const SEVERITY_TITLES: Record<Severity, string> = {
  required: 'Required',
  advised: 'Advised',
  practice: 'Good practice',
};

/** What a failure of each severity means for the grade (CHECKS.md). */
export const SEVERITY_MEANING: Record<Severity, string> = {
  required: 'the subject or its evaluation sheet demands it: one failure fails the grade',
  advised: 'the subject strongly advises it: reported and counted, the grade does not fail',
  practice:
    'not in the subject, a known cause of broken clusters, leaked secrets or non-reproducible runs: reported, the grade does not fail',
};

/** The grading sheet's headline (Grading['verdict']). */
export const VERDICT_TITLES = {
  passed: 'Grade passed',
  failed: 'Grade failed',
  incomplete: 'Grade incomplete',
  none: 'No grading check ran',
} as const;

export const STATUS_WORDS: Record<Status, string> = { pass: 'passed', fail: 'failed', skip: 'skipped' };

/** What "skipped" means, said once in every report. */
export const SKIP_MEANING =
  'Skipped: the check did not apply (no bonus part, nothing to check) or could not run here (a tool such as vagrant, docker or k3d is missing, or a check it needs failed first); its message says which.';

/** A duration for people: 850 ms, 12.3 s, 4 min 05 s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return `${minutes} min ${seconds} s`;
}

export { formatLocation } from '../target/location.ts';
