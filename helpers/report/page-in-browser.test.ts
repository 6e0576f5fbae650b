// The grading page as a reader sees it: rendered by Debian's Chromium, headless, through playwright-core.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeRun } from './grade.ts';
import type { RunInfo } from './run-info.ts';
import { sampleRun } from './sample-run.ts';
import { writeReports } from './write.ts';

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling home, which this closed network refuses.
const FLAGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where the screenshot of the page is left for a person to look at. */
const SCREENSHOT = join(tmpdir(), 'iot-grading-page.png');

const missing = !existsSync(CHROMIUM);
const info: RunInfo = { target: '/home/wil/iot', date: '2026-11-26', live: true, durationMs: 612_000, finishedAt: '2026-11-26T10:00:00Z' };

let dir = '';
let browser: Browser | undefined;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  if (missing) return;
  dir = await mkdtemp(join(tmpdir(), 'iot-grading-page-'));
  const outcome = sampleRun();
  const evidence = join(dir, 'p3/P3L-V1-TO-V2/argocd-application.yaml');
  await mkdir(dirname(evidence), { recursive: true });
  await writeFile(evidence, 'status:\n  sync:\n    revision: 3f2a1c0\n');
  for (const test of outcome.tests) if (test.meta?.evidence) test.meta.evidence = [evidence];
  writeReports(gradeRun(outcome), info, { reportsDir: dir });

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, chromiumSandbox: false, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(pathToFileURL(join(dir, 'grading.html')).href);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const MISSING = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`;

/** A test that needs Chromium: without it, it fails in CI (which installs it) and skips elsewhere. */
function inBrowser(name: string, body: () => Promise<void>): void {
  it(name, async ({ skip }) => {
    if (missing) {
      if (process.env.CI) throw new Error(MISSING);
      skip(`skipped: ${MISSING}`);
    }
    await body();
  });
}

describe('grading.html in Chromium', () => {
  inBrowser("shows the verdict and one heading per part, in the sheet's order", async () => {
    await expect(page.getByText('Grade failed', { exact: true }).isVisible()).resolves.toBe(true);
    const headings = await page.locator('h2').allInnerTexts();
    expect(headings).toEqual([
      'What to change',
      'General',
      'Part 1 — K3s and Vagrant',
      'Part 3 — K3d and Argo CD',
      'Live phases',
      'Self-tests of the suite',
    ]);
    expect(await page.locator('#part-p1 h3').allInnerTexts()).toEqual(['Required', 'Good practice']);
  });

  inBrowser("shows a failed check's status, message, place and what to change", async () => {
    const row = page.locator('tr#P1-NAMES');
    expect(await row.isVisible()).toBe(true);
    const text = await row.innerText();
    expect(text).toContain('FAILED');
    expect(text).toContain('the worker is named wilSw, expected wilSW (exact case)');
    expect(text).toContain('at p1/Vagrantfile:14');
    expect(text).toContain('What to change: rename the worker to wilSW in config.vm.define and vm.hostname');
    const badge = await row.locator('.status').evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(badge).toBe('rgb(207, 34, 46)');
  });

  inBrowser('lists the failed checks first, each linking to its row', async () => {
    const items = await page.locator('#to-change li').allInnerTexts();
    expect(items).toHaveLength(3);
    expect(items[0]).toBe(
      'P1-NAMES (required) the worker is named wilSw, expected wilSW (exact case) What to change: rename the worker to wilSW in config.vm.define and vm.hostname',
    );
    await page.locator('#to-change a', { hasText: 'P3L-V1-TO-V2' }).click();
    expect(page.url()).toMatch(/#P3L-V1-TO-V2$/);
    expect(await page.locator('tr#P3L-V1-TO-V2').isVisible()).toBe(true);
  });

  inBrowser('shows the timing of every live phase', async () => {
    const phases = await page.locator('#live-phases tbody tr').allInnerTexts();
    expect(phases.map((line) => line.split('\t').map((cell) => cell.trim()))).toEqual([
      ['P3L-V1', 'boot', '4 min 05 s'],
      ['P3L-V1', 'assert', '1.8 s'],
      ['P3L-V1-TO-V2', 'commit', '150 ms'],
      ['P3L-V1-TO-V2', 'wait-for-v2', '5 min 00 s'],
      ['P3L-V1-TO-V2', 'evidence', '900 ms'],
    ]);
  });

  inBrowser('fits the window and fetched nothing but the page itself', async () => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(requested).toEqual([pathToFileURL(join(dir, 'grading.html')).href]);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = await readFile(SCREENSHOT);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  });

  inBrowser("writes a junit.xml that a browser's XML parser accepts", async () => {
    const xml = await readFile(join(dir, 'junit.xml'), 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        cases: doc.getElementsByTagName('testcase').length,
        failures: doc.getElementsByTagName('failure').length,
      };
    }, xml);
    expect(parsed).toEqual({ errors: 0, cases: 8, failures: 3 });
  });

  inBrowser('has an evidence link that leads to the evidence file beside the page', async () => {
    const link = page.locator('tr#P3L-V1-TO-V2 .evidence a');
    expect(await link.innerText()).toBe('p3/P3L-V1-TO-V2/argocd-application.yaml');
    const target = await link.evaluate((anchor) => (anchor as HTMLAnchorElement).href);
    expect(target).toBe(pathToFileURL(join(dir, 'p3/P3L-V1-TO-V2/argocd-application.yaml')).href);
    expect(await readFile(new URL(target), 'utf8')).toContain('revision: 3f2a1c0');
  });
});
