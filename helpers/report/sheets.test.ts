import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { evidenceLink } from './evidence.ts';
import { gradeRun } from './grade.ts';
import { gradingHtml } from './html.ts';
import { gradingJunit } from './junit.ts';
import { gradingMarkdown } from './markdown.ts';
import { escapeMarkdownCell, escapeXml } from './markup.ts';
import type { RunInfo } from './run-info.ts';
import { sampleRun } from './sample-run.ts';
import { ansiColor, paintFor, terminalSummary } from './summary.ts';
import { formatDuration } from './wording.ts';

const info: RunInfo = { target: '/home/wil/iot', date: '2026-11-26', live: false, durationMs: 61_000, finishedAt: '2026-11-26T10:00:00Z' };
const PAGE_DIR = join(PROJECT_ROOT, 'reports');
const ROOT = '/project';

describe('terminal summary', () => {
  const grading = gradeRun(sampleRun());
  const text = terminalSummary(grading, info, ['reports/grading.md']);
  const lines = text.split('\n');

  it("counts passed, failed and skipped checks per part, in the sheet's order", () => {
    const row = (title: string) =>
      lines
        .find((line) => line.trimStart().startsWith(title))
        ?.trim()
        .split(/\s{2,}/);
    expect(row('General')).toEqual(['General', '1', '0', '0']);
    expect(row('Part 1 — K3s and Vagrant')).toEqual(['Part 1 — K3s and Vagrant', '0', '2', '1']);
    expect(row('Part 3 — K3d and Argo CD')).toEqual(['Part 3 — K3d and Argo CD', '2', '1', '0']);
  });

  it('lists each failed check with its ID, message, file:line and what to change', () => {
    const at = lines.findIndex((line) => line.includes('P1-NAMES'));
    expect(lines.slice(at, at + 4).map((line) => line.trim())).toEqual([
      '✗ P1-NAMES [required] machine names are <login>S and <login>SW, each hostname equal to its name',
      'what is wrong: the worker is named wilSw, expected wilSW (exact case)',
      'at p1/Vagrantfile:14',
      'what to change: rename the worker to wilSW in config.vm.define and vm.hostname',
    ]);
    expect(text).toContain(`evidence: reports/p3/P3L-V1-TO-V2/argocd-application.yaml`);
    expect(text).not.toContain('P3-K3D [');
  });

  it('gives the verdict, then ends on the plain closing line counting every test', () => {
    expect(text).toContain('Grade: FAILED — 2 required checks failed. 1 advised or good-practice check failed');
    expect(lines.at(-1)).toBe('4 passed, 3 failed, 1 skipped');
  });

  it('keeps the closing line free of colors', () => {
    const colored = terminalSummary(grading, info, [], ansiColor).split('\n');
    expect(colored.join('\n')).toContain('\u001b[');
    expect(colored.at(-1)).toBe('4 passed, 3 failed, 1 skipped');
  });

  it('says PASSED when only advised or practice checks failed', () => {
    const outcome = sampleRun();
    outcome.tests = outcome.tests.filter((test) => !test.title.startsWith('P1-NAMES') && !test.title.startsWith('P3L-V1-TO-V2'));
    expect(terminalSummary(gradeRun(outcome), info, [])).toContain(
      'Grade: PASSED — no required check failed. 1 advised or good-practice check failed',
    );
  });
});

describe('colors', () => {
  it('paints for a terminal only, and obeys NO_COLOR and FORCE_COLOR', () => {
    expect(paintFor({ isTTY: true }, {})('red', 'x')).not.toBe('x');
    expect(paintFor({ isTTY: false }, {})('red', 'x')).toBe('x');
    expect(paintFor({ isTTY: true }, { NO_COLOR: '1' })('red', 'x')).toBe('x');
    expect(paintFor({ isTTY: false }, { FORCE_COLOR: '1' })('red', 'x')).not.toBe('x');
  });
});

describe('grading.md', () => {
  const markdown = gradingMarkdown(gradeRun(sampleRun()), info, PAGE_DIR);

  it("groups checks by part then severity, in the sheet's order", () => {
    const headings = markdown.split('\n').filter((line) => /^#{1,3} /.test(line));
    expect(headings).toEqual([
      '# Grade failed',
      '## What to change',
      '## General',
      '### Required',
      '## Part 1 — K3s and Vagrant',
      '### Required',
      '### Good practice',
      '## Part 3 — K3d and Argo CD',
      '### Required',
      '## Live phases',
      '## Self-tests of the suite',
    ]);
  });

  it('escapes what GitHub would read as HTML or table syntax', () => {
    expect(markdown).toContain('machine names are &lt;login&gt;S and &lt;login&gt;SW');
    expect(escapeMarkdownCell('a|b\nc *d* `e`')).toBe('a\\|b<br>c \\*d\\* \\`e\\`');
  });

  it('lists the failed checks first, each with what to change', () => {
    const list = markdown.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(list).toEqual([
      '1. **P1-NAMES** (required) the worker is named wilSw, expected wilSW (exact case) (p1/Vagrantfile:14) — rename the worker to wilSW in config.vm.define and vm.hostname',
      '2. **P1-NODE-IP** (good practice) the agent install has no --node-ip or --flannel-iface (p1/scripts/agent.sh:7) — add --node-ip=192.168.56.111 to INSTALL\\_K3S\\_EXEC',
      expect.stringMatching(/^3\. \*\*P3L-V1-TO-V2\*\* \(required\)/),
    ]);
  });

  it("shows the fix, the evidence link relative to the page and each live phase's time", () => {
    expect(markdown).toContain('**What to change:** make the Application follow the branch');
    expect(markdown).toContain('[p3/P3L-V1-TO-V2/argocd-application.yaml](p3/P3L-V1-TO-V2/argocd-application.yaml)');
    expect(markdown).toContain('| P3L-V1 | boot | 4 min 05 s |');
  });
});

describe('junit.xml', () => {
  const xml = gradingJunit(gradeRun(sampleRun()));

  it('has one suite per part plus the self-tests, with counts that add up', () => {
    expect(xml).toMatch(/<testsuites name="Inception of Things grading" tests="8" failures="3" errors="0" skipped="1"/);
    expect([...xml.matchAll(/<testsuite name="([^"]+)"/g)].map((match) => match[1])).toEqual([
      'General',
      'Part 1 — K3s and Vagrant',
      'Part 3 — K3d and Argo CD',
      'Self-tests of the suite',
    ]);
    expect(xml).toContain('<testcase classname="p1.practice" name="P1-NODE-IP: both K3s installs pin the node to the private network"');
    expect(xml).toContain('<skipped message="skipped: vagrant is not installed (set IOT_LIVE=1 to make this a failure)"/>');
  });

  it('escapes markup and drops characters XML forbids', () => {
    expect(xml).toContain('name="P1-NAMES: machine names are &lt;login&gt;S and &lt;login&gt;SW');
    expect(escapeXml('a & "b" <c>\u0007')).toBe('a &amp; &quot;b&quot; &lt;c&gt;');
  });
});

describe('grading.html', () => {
  const html = gradingHtml(gradeRun(sampleRun()), info, PAGE_DIR);

  it('is self-contained: no script, no external stylesheet, image or font, and a policy that forbids fetching', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('escapes every message', () => {
    expect(html).toContain('&lt;login&gt;S');
    expect(html).not.toContain('<login>');
  });
});

describe('evidence links', () => {
  it('are relative to the page, wherever the reports folder is', () => {
    expect(evidenceLink('reports/p3/a b.txt', '/project/reports', ROOT)).toEqual({ href: 'p3/a%20b.txt', label: 'p3/a b.txt' });
    expect(evidenceLink('reports/p3/x.txt', '/tmp/out', ROOT).label).toBe('../../project/reports/p3/x.txt');
    expect(evidenceLink('/tmp/out/p2/y.txt', '/tmp/out', ROOT).href).toBe('p2/y.txt');
  });
});

describe('formatDuration', () => {
  it('reads as a person would say it', () => {
    expect([850, 12_340, 245_000, 3_600_000].map(formatDuration)).toEqual(['850 ms', '12.3 s', '4 min 05 s', '60 min 00 s']);
  });
});
