// The grading sheet in the terminal, printed after vitest's own output.
import { styleText } from 'node:util';
import type { Grading, Tally } from './grade.ts';
import type { RunInfo } from './run-info.ts';
import { formatDuration, formatLocation, partTitle, SEVERITY_TITLES, SKIP_MEANING } from './wording.ts';

type Style = 'red' | 'green' | 'yellow' | 'bold' | 'dim';
export type Paint = (style: Style, text: string) => string;

export const noColor: Paint = (_style, text) => text;
export const ansiColor: Paint = (style, text) => styleText(style, text, { validateStream: false });

/** Colors only for a terminal that shows them (NO_COLOR and FORCE_COLOR respected). */
export function paintFor(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env): Paint {
  if (env.NO_COLOR) return noColor;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return ansiColor;
  return stream.isTTY ? ansiColor : noColor;
}

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - text.length));
const count = (n: number, width = 6): string => String(n).padStart(width);
/** A labelled text whose further lines line up under its first. */
const field = (label: string, text: string): string => `      ${label}${text.split('\n').join(`\n      ${' '.repeat(label.length)}`)}`;

/** The closing line a CI reads: every test of the run, grading or not. */
export const closingLine = (total: Tally): string => `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;

export function terminalSummary(grading: Grading, info: RunInfo, reports: string[], paint: Paint = noColor): string {
  const lines: string[] = [''];
  lines.push(
    paint('bold', `Grading of ${info.target}`) +
      paint('dim', ` (date ${info.date}, live checks ${info.live ? 'required' : 'skipped when a tool is missing'})`),
  );

  if (grading.parts.length > 0) {
    const width = Math.max(...grading.parts.map(({ part }) => partTitle(part).length));
    lines.push(`  ${pad('', width)}  passed failed skipped`);
    for (const { part, tally } of grading.parts) {
      const failed = tally.failed > 0 ? paint('red', count(tally.failed)) : count(tally.failed);
      lines.push(`  ${pad(partTitle(part), width)}  ${count(tally.passed)} ${failed}  ${count(tally.skipped)}`);
    }
  } else {
    lines.push(
      grading.problems.length > 0
        ? '  No grading check ran: see the run errors below.'
        : '  No grading check ran (only self-tests of the suite).',
    );
  }

  const failures = grading.checks.filter((check) => check.row.status === 'fail');
  if (failures.length > 0) {
    lines.push('', paint('bold', 'Failed checks, and what to change:'));
    for (const { row } of failures) {
      lines.push(`  ${paint('red', '✗')} ${paint('bold', row.id)} [${SEVERITY_TITLES[row.severity].toLowerCase()}] ${row.title}`);
      lines.push(field('what is wrong: ', row.message));
      for (const location of row.locations) lines.push(`      at ${formatLocation(location)}`);
      if (row.fix) lines.push(field('what to change: ', row.fix));
      for (const file of row.evidence ?? []) lines.push(`      evidence: ${file}`);
    }
  }

  const brokenSelfTests = grading.selfTests.filter((test) => test.status === 'fail');
  if (brokenSelfTests.length > 0) {
    lines.push('', paint('bold', 'Failed self-tests of the suite (a bug in the grader, not in the graded repository):'));
    for (const test of brokenSelfTests) lines.push(`  ${paint('red', '✗')} ${test.file} > ${test.title}: ${test.message}`);
  }
  if (grading.problems.length > 0) {
    lines.push('', paint('bold', 'Run errors:'));
    for (const problem of grading.problems) lines.push(`  ${paint('red', '!')} ${problem}`);
  }

  const skipped = grading.checks.filter((check) => check.row.status === 'skip').length;
  if (skipped > 0) lines.push('', paint('dim', SKIP_MEANING));

  lines.push('', verdictLine(grading, paint));
  if (reports.length > 0) lines.push(`Reports: ${reports.join(', ')}  (${formatDuration(info.durationMs)})`);
  lines.push(closingLine(grading.total));
  return lines.join('\n');
}

function verdictLine(grading: Grading, paint: Paint): string {
  const failedChecks = grading.checks.filter((check) => check.row.status === 'fail');
  const required = failedChecks.filter((check) => check.row.severity === 'required').length;
  const others = failedChecks.length - required;
  const otherNote =
    others > 0
      ? ` ${others} advised or good-practice check${others === 1 ? '' : 's'} failed: reported, not counted against the grade.`
      : '';
  const selfNote = grading.selfTests.some((test) => test.status === 'fail') ? ' A self-test of the suite failed: exit status 1.' : '';
  switch (grading.verdict) {
    case 'failed':
      return paint('red', `Grade: FAILED — ${required} required check${required === 1 ? '' : 's'} failed.`) + otherNote + selfNote;
    case 'incomplete':
      return (
        paint('red', 'Grade: INCOMPLETE — a test file did not load or the run stopped, so some checks did not run (see Run errors).') +
        otherNote +
        selfNote
      );
    case 'passed': {
      const skipped = grading.checks.filter((check) => check.row.status === 'skip').length;
      const skipNote = skipped > 0 ? ` ${skipped} of ${grading.checks.length} checks were skipped: not graded here.` : '';
      return paint('green', 'Grade: PASSED — no required check failed.') + otherNote + skipNote + selfNote;
    }
    case 'none':
      return grading.exitCode === 0 ? paint('green', 'Self-tests passed.') : paint('red', 'Self-tests failed: exit status 1.');
  }
}
