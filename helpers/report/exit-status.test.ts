// End to end: a real vitest run with the grading reporter, on throw-away grading suites.
// It proves the grade policy on the exit status and that every report file is written.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';

const REPORTER = fileURLToPath(new URL('./grading-reporter.ts', import.meta.url));
const META = fileURLToPath(new URL('../checks/meta.ts', import.meta.url));
const VITEST = join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs');

const FILES: Record<string, string> = {
  'vitest.config.mjs': `export default { test: { include: ['**/*.test.ts'], exclude: ['node_modules/**'], reporters: ['default', ${JSON.stringify(REPORTER)}] } };\n`,
  'suites/p3/static.test.ts': `import { expect, test } from 'vitest';
import ${JSON.stringify(META)};
test('P3-K3D: k3d', ({ task }) => {
  task.meta.iot = { id: 'P3-K3D', status: 'pass', message: 'k3d cluster create iot', locations: [{ file: 'p3/scripts/setup.sh', line: 4 }] };
});
test('P3-ARGOCD-PINNED: pinned', ({ task }) => {
  task.meta.iot = { id: 'P3-ARGOCD-PINNED', status: 'fail', message: 'the install follows stable', fix: 'install a release such as v2.14.2', locations: [{ file: 'p3/scripts/argocd.sh', line: 9 }] };
  expect.fail('the install follows stable');
});
test('P3-IMAGE: image', ({ skip }) => skip('skipped: the app manifests live only in the remote repository'));
test('P3L-V1: v1', ({ task }) => {
  task.meta.iot = { id: 'P3L-V1', status: 'pass', message: 'answered v1', locations: [], timings: { boot: 1200, assert: 30 }, evidence: ['reports/p3/v1.txt'] };
});
`,
  'suites/p2/static.test.ts': `import { expect, test } from 'vitest';
test('P2-APP2-REPLICAS: replicas', () => { expect(1, 'app2 has 1 replica').toBe(3); });
`,
  'suites/bonus/static.test.ts': `throw new Error('this suite does not load');\n`,
  'helpers/ok.test.ts': `import { test } from 'vitest';\ntest('P3-K3D: a self-test whose title starts with an ID', () => {});\n`,
  'helpers/broken.test.ts': `import { expect, test } from 'vitest';\ntest('a self-test', () => { expect(2).toBe(1); });\n`,
};

let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'iot-grade-run-'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  reports: string;
}

/** vitest run on the throw-away project, with its own reports folder and none of this run's settings. */
function grade(name: string, filters: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const reports = join(root, name);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    IOT_REPORTS_DIR: reports,
    IOT_REPORT: '',
    GITHUB_STEP_SUMMARY: '',
    ...extraEnv,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [VITEST, 'run', ...filters], { cwd: root, env, timeout: 60_000 }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, reports });
    });
  });
}

describe('a vitest run with the grading reporter', () => {
  it('exits 0 when only a good-practice check fails, and writes every report', async () => {
    const json = join(root, 'practice.json');
    const summary = join(root, 'step-summary.md');
    const run = await grade('practice', ['suites/p3', 'helpers/ok'], { IOT_REPORT: json, GITHUB_STEP_SUMMARY: summary });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('Grade: PASSED — no required check failed. 1 advised or good-practice check failed');
    expect(run.stdout).toContain('what to change: install a release such as v2.14.2');
    expect(run.stdout).toContain('at p3/scripts/argocd.sh:9');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('3 passed, 1 failed, 1 skipped');

    const rows = JSON.parse(await readFile(json, 'utf8')) as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row.id, row.part, row.severity, row.status])).toEqual([
      ['P3-K3D', 'p3', 'required', 'pass'],
      ['P3-ARGOCD-PINNED', 'p3', 'practice', 'fail'],
      ['P3-IMAGE', 'p3', 'required', 'skip'],
      ['P3L-V1', 'p3', 'required', 'pass'],
    ]);
    expect(rows[1]).toMatchObject({
      message: 'the install follows stable',
      fix: 'install a release such as v2.14.2',
      locations: [{ file: 'p3/scripts/argocd.sh', line: 9 }],
    });
    expect(rows[3]).toMatchObject({ timings: { boot: 1200, assert: 30 }, evidence: ['reports/p3/v1.txt'] });

    for (const file of ['grading.md', 'grading.html', 'junit.xml']) expect(existsSync(join(run.reports, file)), file).toBe(true);
    expect(await readFile(summary, 'utf8')).toContain('# Grade passed');
  }, 90_000);

  it('exits 1 when a required check fails, even one whose test sets no meta', async () => {
    const run = await grade('required', ['suites/p2', 'suites/p3']);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain('Grade: FAILED — 1 required check failed.');
    expect(run.stdout).toContain('what is wrong: app2 has 1 replica: expected 1 to be 3');
    expect(await readFile(join(run.reports, 'junit.xml'), 'utf8')).toContain('<testcase classname="p2.required" name="P2-APP2-REPLICAS');
  }, 90_000);

  it('exits 1 when a self-test fails or a suite does not load, though no required check failed', async () => {
    const [selfTest, load] = await Promise.all([
      grade('self', ['helpers/broken', 'suites/p3']),
      grade('load', ['suites/bonus', 'suites/p3']),
    ]);
    expect(selfTest.code, selfTest.stdout).toBe(1);
    expect(selfTest.stdout).toContain('Failed self-tests of the suite');
    expect(load.code, load.stdout).toBe(1);
    expect(load.stdout).toContain('suites/bonus/static.test.ts: this suite does not load');
    expect(load.stdout).toContain('Grade: INCOMPLETE');
  }, 90_000);

  it('leaves the checks filtered out with -t out of the report', async () => {
    const json = join(root, 'filtered.json');
    const run = await grade('filtered', ['suites/p3', '-t', 'K3D'], { IOT_REPORT: json });
    expect(run.code, run.stdout).toBe(0);
    const rows = JSON.parse(await readFile(json, 'utf8')) as Array<{ id: string }>;
    expect(rows.map((row) => row.id)).toEqual(['P3-K3D']);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed, 3 skipped');
  }, 90_000);
});
