// reports/junit.xml: one <testsuite> per part plus one for the self-tests, for CI systems that read JUnit.
// A check's severity is in its classname (p3.required), so a CI can tell grade failures from the others.
import type { ReportRow, Status } from '../checks/result.ts';
import { tallyOf, type Grading } from './grade.ts';
import { escapeXml as esc } from './markup.ts';
import { formatLocation, partTitle, PART_ORDER } from './wording.ts';

interface Case {
  classname: string;
  name: string;
  status: Status;
  durationMs: number;
  /** Failure message (one line) and body (details). */
  message: string;
  body: string;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function failureBody(row: ReportRow): string {
  const lines = [row.message];
  for (const location of row.locations) lines.push(`at ${formatLocation(location)}`);
  if (row.fix) lines.push(`What to change: ${row.fix}`);
  for (const file of row.evidence ?? []) lines.push(`Evidence: ${file}`);
  for (const [phase, ms] of Object.entries(row.timings ?? {})) lines.push(`Live phase ${phase}: ${ms} ms`);
  return lines.join('\n');
}

function testcase(test: Case): string {
  const open = `    <testcase classname="${esc(test.classname)}" name="${esc(test.name)}" time="${seconds(test.durationMs)}"`;
  if (test.status === 'pass') return `${open}/>`;
  if (test.status === 'skip') return `${open}>\n      <skipped message="${esc(test.message)}"/>\n    </testcase>`;
  return `${open}>\n      <failure message="${esc(test.message)}" type="${esc(test.classname.split('.').pop() ?? 'failure')}">${esc(test.body)}</failure>\n    </testcase>`;
}

function testsuite(name: string, cases: Case[]): string {
  const tally = tallyOf(cases.map((test) => test.status));
  const time = seconds(cases.reduce((sum, test) => sum + test.durationMs, 0));
  return [
    `  <testsuite name="${esc(name)}" tests="${cases.length}" failures="${tally.failed}" errors="0" skipped="${tally.skipped}" time="${time}">`,
    ...cases.map(testcase),
    '  </testsuite>',
  ].join('\n');
}

export function gradingJunit(grading: Grading): string {
  const suites: Array<[string, Case[]]> = [];
  for (const part of PART_ORDER) {
    const cases: Case[] = grading.checks
      .filter((check) => check.row.part === part)
      .map(({ row, durationMs }) => ({
        classname: `${part}.${row.severity}`,
        name: `${row.id}: ${row.title}`,
        status: row.status,
        durationMs,
        message: row.message,
        body: failureBody(row),
      }));
    suites.push([partTitle(part), cases]);
  }
  suites.push([
    'Self-tests of the suite',
    grading.selfTests.map((test) => ({
      classname: test.file.replace(/\.test\.ts$/, '').replace(/\//g, '.'),
      name: test.title,
      status: test.status,
      durationMs: test.durationMs,
      message: test.message,
      body: test.message,
    })),
  ]);
  suites.push([
    'Run errors',
    grading.problems.map((problem) => ({
      classname: 'run',
      name: 'run error',
      status: 'fail' as const,
      durationMs: 0,
      message: problem,
      body: problem,
    })),
  ]);

  const present = suites.filter(([, cases]) => cases.length > 0);
  const all = present.flatMap(([, cases]) => cases);
  const tally = tallyOf(all.map((test) => test.status));
  const time = seconds(all.reduce((sum, test) => sum + test.durationMs, 0));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="Inception of Things grading" tests="${all.length}" failures="${tally.failed}" errors="0" skipped="${tally.skipped}" time="${time}">`,
    ...present.map(([name, cases]) => testsuite(name, cases)),
    '</testsuites>',
    '',
  ].join('\n');
}
