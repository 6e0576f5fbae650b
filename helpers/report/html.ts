// reports/grading.html: the grading sheet as one self-contained page (inline CSS, no script, nothing fetched).
import type { ReportRow } from '../checks/result.ts';
import { evidenceLink } from './evidence.ts';
import { tallyOf, type CheckRun, type Grading } from './grade.ts';
import { escapeXml as esc } from './markup.ts';
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

const STYLE = `
:root { color-scheme: light; --pass: #1a7f37; --fail: #cf222e; --skip: #6e7781; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328; margin: 0; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 2px; }
.meaning { color: #59636e; margin: 0 0 8px; font-size: 13px; }
.run { color: #59636e; margin: 0 0 16px; }
.verdict { display: inline-block; font-weight: 700; font-size: 18px; padding: 6px 14px; border-radius: 6px; color: #fff; margin: 8px 0; }
.verdict.passed { background: var(--pass); } .verdict.failed { background: var(--fail); } .verdict.none, .verdict.incomplete { background: var(--skip); }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
table.tally { width: auto; min-width: 60%; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.fail td { background: #fff5f5; }
.status { display: inline-block; min-width: 64px; text-align: center; font-weight: 700; font-size: 12px; letter-spacing: .03em;
  text-transform: uppercase; padding: 2px 8px; border-radius: 10px; color: #fff; }
.status.pass { background: var(--pass); } .status.fail { background: var(--fail); } .status.skip { background: var(--skip); }
.id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 700; white-space: nowrap; }
.title { color: #59636e; }
.fix { margin-top: 4px; padding: 4px 8px; border-left: 3px solid var(--fail); background: #fff; }
.where, .evidence, .timings { margin-top: 4px; font-size: 13px; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; background: var(--soft); padding: 0 4px; border-radius: 4px; }
ol li { margin-bottom: 6px; }
footer { margin-top: 40px; color: #59636e; font-size: 13px; }
`;

function timingsText(timings: Record<string, number>): string {
  return Object.entries(timings)
    .map(([phase, ms]) => `${esc(phase)} ${esc(formatDuration(ms))}`)
    .join(' · ');
}

function detailsCell(row: ReportRow, pageDir: string): string {
  const parts = [`<div class="message">${esc(row.message)}</div>`];
  if (row.locations.length > 0)
    parts.push(
      `<div class="where">at ${row.locations.map((location) => `<code>${esc(formatLocation(location))}</code>`).join(', ')}</div>`,
    );
  if (row.fix) parts.push(`<div class="fix"><strong>What to change:</strong> ${esc(row.fix)}</div>`);
  if (row.evidence?.length) {
    const links = row.evidence
      .map((file) => evidenceLink(file, pageDir))
      .map(({ href, label }) => `<a href="${esc(href)}">${esc(label)}</a>`);
    parts.push(`<div class="evidence">Evidence: ${links.join(', ')}</div>`);
  }
  if (row.timings) parts.push(`<div class="timings">Live phases: ${timingsText(row.timings)}</div>`);
  return parts.join('');
}

function checkRow({ row }: CheckRun, pageDir: string): string {
  return (
    `<tr class="${row.status}" id="${esc(row.id)}"><td><span class="status ${row.status}">${STATUS_WORDS[row.status]}</span></td>` +
    `<td><span class="id">${esc(row.id)}</span><div class="title">${esc(row.title)}</div></td><td>${detailsCell(row, pageDir)}</td></tr>`
  );
}

function partSection(grading: Grading, part: (typeof PART_ORDER)[number], pageDir: string): string {
  const checks = grading.checks.filter((check) => check.row.part === part);
  if (checks.length === 0) return '';
  const tally = tallyOf(checks.map((check) => check.row.status));
  const out = [
    `<section id="part-${part}"><h2>${esc(partTitle(part))}</h2>`,
    `<p class="run">${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped</p>`,
  ];
  for (const severity of SEVERITY_ORDER) {
    const rows = checks.filter((check) => check.row.severity === severity);
    if (rows.length === 0) continue;
    out.push(`<h3>${SEVERITY_TITLES[severity]}</h3><p class="meaning">${esc(SEVERITY_MEANING[severity])}</p>`);
    out.push('<table><thead><tr><th style="width:90px">Result</th><th style="width:32%">Check</th><th>Details</th></tr></thead><tbody>');
    out.push(...rows.map((check) => checkRow(check, pageDir)), '</tbody></table>');
  }
  out.push('</section>');
  return out.join('\n');
}

export function gradingHtml(grading: Grading, info: RunInfo, pageDir: string): string {
  const verdict = [grading.verdict, VERDICT_TITLES[grading.verdict]] as const;
  const body: string[] = [];
  body.push('<h1>Inception of Things — grading sheet</h1>');
  body.push(`<div class="verdict ${verdict[0]}">${verdict[1]}</div>`);
  body.push(
    `<p class="run">Target <code>${esc(info.target)}</code> · date ${esc(info.date)} · live checks ${info.live ? 'required (IOT_LIVE=1)' : 'skipped when a tool is missing'} · run time ${esc(formatDuration(info.durationMs))} · ${esc(info.finishedAt)}</p>`,
  );
  body.push(
    '<p>A failed <strong>required</strong> check fails the grade; a failed advised or good-practice check is reported and counted only.</p>',
  );
  if (grading.verdict === 'incomplete')
    body.push(
      '<p><strong>Some checks did not run:</strong> a test file did not load or the run stopped (see <a href="#run-errors">Run errors</a>).</p>',
    );

  if (grading.parts.length > 0) {
    body.push(
      '<table class="tally"><thead><tr><th>Part</th><th class="num">Passed</th><th class="num">Failed</th><th class="num">Skipped</th></tr></thead><tbody>',
    );
    for (const { part, tally } of grading.parts)
      body.push(
        `<tr><td><a href="#part-${part}">${esc(partTitle(part))}</a></td><td class="num">${tally.passed}</td><td class="num">${tally.failed}</td><td class="num">${tally.skipped}</td></tr>`,
      );
    body.push('</tbody></table>');
  }
  if (grading.checks.some((check) => check.row.status === 'skip')) body.push(`<p class="meaning">${esc(SKIP_MEANING)}</p>`);

  const failed = grading.checks.filter((check) => check.row.status === 'fail').map((check) => check.row);
  if (failed.length > 0) {
    body.push('<section id="to-change"><h2>What to change</h2><ol>');
    for (const row of failed)
      body.push(
        `<li><a class="id" href="#${esc(row.id)}">${esc(row.id)}</a> <span class="title">(${SEVERITY_TITLES[row.severity].toLowerCase()})</span> ${esc(row.message)}${row.fix ? ` <strong>What to change:</strong> ${esc(row.fix)}` : ''}</li>`,
      );
    body.push('</ol></section>');
  }

  for (const part of PART_ORDER) body.push(partSection(grading, part, pageDir));

  const timed = grading.checks.filter((check) => check.row.timings);
  body.push('<section id="live-phases"><h2>Live phases</h2>');
  if (timed.length === 0) body.push('<p>No live phase ran in this run.</p>');
  else {
    body.push('<table><thead><tr><th>Check</th><th>Phase</th><th class="num">Time</th></tr></thead><tbody>');
    for (const { row } of timed)
      for (const [phase, ms] of Object.entries(row.timings ?? {}))
        body.push(
          `<tr><td><a class="id" href="#${esc(row.id)}">${esc(row.id)}</a></td><td>${esc(phase)}</td><td class="num">${esc(formatDuration(ms))}</td></tr>`,
        );
    body.push('</tbody></table>');
  }
  body.push('</section>');

  if (grading.selfTests.length > 0) {
    const tally = tallyOf(grading.selfTests.map((test) => test.status));
    body.push(
      `<section id="self-tests"><h2>Self-tests of the suite</h2><p>${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped.</p>`,
    );
    const failed = grading.selfTests.filter((test) => test.status === 'fail');
    if (failed.length > 0)
      body.push(
        `<ul>${failed.map((test) => `<li><span class="status fail">failed</span> <code>${esc(test.file)}</code> › ${esc(test.title)}: ${esc(test.message)}</li>`).join('')}</ul>`,
      );
    body.push('</section>');
  }
  if (grading.problems.length > 0)
    body.push(
      `<section id="run-errors"><h2>Run errors</h2><ul>${grading.problems.map((problem) => `<li>${esc(problem)}</li>`).join('')}</ul></section>`,
    );
  body.push('<footer>Written by the conformance suite (npm test). Evidence links point to files beside this page.</footer>');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Grading: ${verdict[1]}</title>
<style>${STYLE}</style>
</head>
<body><main>
${body.filter(Boolean).join('\n')}
</main></body>
</html>
`;
}
