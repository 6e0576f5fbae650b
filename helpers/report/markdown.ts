// reports/grading.md: the grading sheet in GitHub Markdown (also CI's job summary).
import type { ReportRow } from '../checks/result.ts';
import { evidenceLink } from './evidence.ts';
import { tallyOf, type Grading } from './grade.ts';
import { escapeMarkdownCell as cell } from './markup.ts';
import type { RunInfo } from './run-info.ts';
import {
  formatDuration,
  formatLocation,
  partTitle,
  PART_ORDER,
  SEVERITY_MEANING,
  SEVERITY_ORDER,
  SEVERITY_TITLES,
  SKIP_MEANING,
  STATUS_WORDS,
  VERDICT_TITLES,
} from './wording.ts';

const MARK = { pass: '✅', fail: '❌', skip: '⏭️' } as const;

function details(row: ReportRow, pageDir: string): string {
  const parts = [cell(row.message)];
  if (row.locations.length > 0) parts.push(`at ${row.locations.map((location) => cell(formatLocation(location))).join(', ')}`);
  if (row.fix) parts.push(`**What to change:** ${cell(row.fix)}`);
  if (row.evidence?.length) {
    const links = row.evidence.map((file) => evidenceLink(file, pageDir)).map(({ href, label }) => `[${cell(label)}](${href})`);
    parts.push(`Evidence: ${links.join(', ')}`);
  }
  return parts.join('<br>');
}

export function gradingMarkdown(grading: Grading, info: RunInfo, pageDir: string): string {
  const out: string[] = [];
  out.push(`# ${VERDICT_TITLES[grading.verdict]}`, '');
  out.push(
    `Target: ${cell(info.target)} · date ${info.date} · live checks ${info.live ? 'required (IOT_LIVE=1)' : 'skipped when a tool is missing'} · ${formatDuration(info.durationMs)} · ${info.finishedAt}`,
    '',
  );
  out.push('A failed **required** check fails the grade; a failed advised or good-practice check is reported and counted only.', '');
  if (grading.verdict === 'incomplete')
    out.push('**Some checks did not run:** a test file did not load or the run stopped (see Run errors below).', '');

  if (grading.parts.length > 0) {
    out.push('| Part | Passed | Failed | Skipped |', '|---|---:|---:|---:|');
    for (const { part, tally } of grading.parts)
      out.push(`| ${cell(partTitle(part))} | ${tally.passed} | ${tally.failed} | ${tally.skipped} |`);
    out.push('');
  }

  const failed = grading.checks.filter((check) => check.row.status === 'fail').map((check) => check.row);
  if (failed.length > 0) {
    out.push('## What to change', '');
    failed.forEach((row, index) => {
      const where = row.locations.length > 0 ? ` (${row.locations.map((location) => cell(formatLocation(location))).join(', ')})` : '';
      out.push(
        `${index + 1}. **${row.id}** (${SEVERITY_TITLES[row.severity].toLowerCase()}) ${cell(row.message)}${where}${row.fix ? ` — ${cell(row.fix)}` : ''}`,
      );
    });
    out.push('');
  }

  for (const part of PART_ORDER) {
    const checks = grading.checks.filter((check) => check.row.part === part);
    if (checks.length === 0) continue;
    out.push(`## ${cell(partTitle(part))}`, '');
    for (const severity of SEVERITY_ORDER) {
      const rows = checks.filter((check) => check.row.severity === severity).map((check) => check.row);
      if (rows.length === 0) continue;
      out.push(`### ${SEVERITY_TITLES[severity]}`, '', `_${cell(SEVERITY_MEANING[severity])}_`, '');
      out.push('| Result | Check | Details |', '|---|---|---|');
      for (const row of rows)
        out.push(`| ${MARK[row.status]} ${STATUS_WORDS[row.status]} | **${row.id}** ${cell(row.title)} | ${details(row, pageDir)} |`);
      out.push('');
    }
  }

  const timed = grading.checks.filter((check) => check.row.timings);
  out.push('## Live phases', '');
  if (timed.length === 0) out.push('No live phase ran in this run.', '');
  else {
    out.push('| Check | Phase | Time |', '|---|---|---:|');
    for (const { row } of timed)
      for (const [phase, ms] of Object.entries(row.timings ?? {})) out.push(`| ${row.id} | ${cell(phase)} | ${formatDuration(ms)} |`);
    out.push('');
  }

  if (grading.checks.some((check) => check.row.status === 'skip')) out.push(cell(SKIP_MEANING), '');

  const self = grading.selfTests;
  if (self.length > 0) {
    const failed = self.filter((test) => test.status === 'fail');
    const tally = tallyOf(self.map((test) => test.status));
    out.push('## Self-tests of the suite', '', `${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped.`, '');
    for (const test of failed) out.push(`- ❌ ${cell(test.file)} › ${cell(test.title)}: ${cell(test.message)}`);
    if (failed.length > 0) out.push('');
  }
  if (grading.problems.length > 0) {
    out.push('## Run errors', '');
    for (const problem of grading.problems) out.push(`- ${cell(problem)}`);
    out.push('');
  }
  return out.join('\n');
}
