// Watch mode: which changed files re-grade the target, and a real re-grade.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { isTargetChange, staticSuiteFiles } from './watch.ts';

const settings = { repo: '/home/me/iot', reportsDir: '/home/me/suite/reports', report: '/home/me/iot-report.json' };

describe('a change re-grades the target', () => {
  test.each([
    ['/home/me/iot/p1/Vagrantfile', true],
    ['/home/me/iot/p3/confs/app.yaml', true],
    ['/home/me/iot/.env', true],
    ['/home/me/iot/.git/index', false],
    ['/home/me/iot/p1/.vagrant/machines/wilS/id', false],
    ['/home/me/iot/node_modules/x/index.js', false],
    ['/home/me/iot-other/p1/Vagrantfile', false],
    ['/home/me/suite/helpers/checks/grade.ts', false],
  ])('%s: %s', (file, expected) => {
    expect(isTargetChange(file, settings)).toBe(expected);
  });

  test('but not the reports the run writes, even inside the target (the run would re-grade itself forever)', () => {
    const self = { repo: '/home/me/suite', reportsDir: '/home/me/suite/reports', report: '/home/me/suite/out.json' };
    expect(isTargetChange('/home/me/suite/reports/grading.md', self)).toBe(false);
    expect(isTargetChange('/home/me/suite/out.json', self)).toBe(false);
    expect(isTargetChange('/home/me/suite/vagrant/p1/Vagrantfile', self)).toBe(true);
  });

  test('the suites rerun are the five static ones', () => {
    expect(
      staticSuiteFiles()
        .map((file) => file.split('/suites/')[1])
        .sort(),
    ).toEqual(['bonus', 'general', 'p1', 'p2', 'p3'].map((part) => join(part, 'static.test.ts')));
  });
});

describe('vitest --watch static', () => {
  test('grades the target again when one of its files changes', { timeout: 90_000 }, async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'iot-watch-'));
    const repo = join(scratch, 'repo');
    cpSync(join(PROJECT_ROOT, 'suites/fixtures/passing'), repo, { recursive: true });
    const vitest = spawn(process.execPath, [join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), '--watch', 'static'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, IOT_REPO: repo, IOT_REPORTS_DIR: join(scratch, 'reports'), IOT_REPORT: '', IOT_GRADING_HANDOFF: '', CI: '' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const summaries: string[] = [];
    let waiting: (() => void) | undefined;
    let output = '';
    vitest.stdout.setEncoding('utf8');
    vitest.stdout.on('data', (chunk: string) => {
      output += chunk;
      for (const match of output.matchAll(/\d+ passed, \d+ failed, \d+ skipped/g)) summaries.push(match[0]);
      output = output.replace(/[\s\S]*\d+ passed, \d+ failed, \d+ skipped/, '');
      waiting?.();
    });
    const summary = (count: number) =>
      new Promise<void>((done) => {
        waiting = () => summaries.length >= count && done();
        waiting();
      });
    try {
      await summary(1);
      const vagrantfile = join(repo, 'p1/Vagrantfile');
      writeFileSync(vagrantfile, readFileSync(vagrantfile, 'utf8').replaceAll('1024', '2048'));
      await summary(2);
      expect(summaries).toEqual(['33 passed, 0 failed, 3 skipped', '32 passed, 1 failed, 3 skipped']);
    } finally {
      vitest.kill('SIGTERM');
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
