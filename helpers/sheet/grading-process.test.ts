// The grading process ends with its work: the ShellCheck runs it started end with it, whether it finished
// its grading or was stopped by a signal.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, globSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { fakeShellcheck, isRunning } from '../shell/testing.ts';
import { GRADING_NODE_FLAGS, GRADING_PROCESS } from './grading-child.mjs';

let scratch = '';
afterEach(() => {
  for (const pid of shellcheckPids()) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

const pidsFile = () => join(scratch, 'shellcheck-pids');
const shellcheckPids = (): number[] =>
  existsSync(pidsFile()) ? readFileSync(pidsFile(), 'utf8').split('\n').filter(Boolean).map(Number) : [];

async function stillRunning(): Promise<number[]> {
  const deadline = Date.now() + 5000;
  while (shellcheckPids().some(isRunning) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
  return shellcheckPids().filter(isRunning);
}

/** The passing fixture, changed by `edit`, graded with a ShellCheck that never answers (stuck on a pathological script). */
function gradingSetUp(edit: (repo: string) => void): { repo: string; env: NodeJS.ProcessEnv; out: string } {
  scratch = mkdtempSync(join(tmpdir(), 'iot-grading-process-'));
  const repo = join(scratch, 'repo');
  cpSync(join(PROJECT_ROOT, 'suites/fixtures/passing'), repo, { recursive: true });
  edit(repo);
  const path = fakeShellcheck(scratch, `echo $$ >> '${pidsFile()}'\nexec sleep 60`);
  const env = { ...process.env, IOT_REPO: repo, IOT_CACHE: join(scratch, 'cache'), PATH: path };
  return { repo, env, out: join(scratch, 'grading.json') };
}

describe.runIf(process.platform === 'linux')('the grading process', () => {
  test('once graded, it exits at once, ending the ShellCheck runs no check waited for', { timeout: 30_000 }, async () => {
    // No script parses: G-SHELLCHECK has none to check, but ShellCheck was started ahead on every one.
    const { env, out } = gradingSetUp((repo) => {
      for (const script of globSync('**/*.sh', { cwd: repo })) writeFileSync(join(repo, script), '#!/bin/bash\nif then fi\n');
    });
    const started = Date.now();
    const run = spawnSync(process.execPath, [...GRADING_NODE_FLAGS, GRADING_PROCESS, '--out', out], {
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.signal, `the grading waited for ShellCheck until killed:\n${run.stderr}`).toBeNull();
    expect(run.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(JSON.parse(readFileSync(out, 'utf8')).results.length).toBeGreaterThan(30);
    expect(shellcheckPids().length).toBeGreaterThan(0);
    expect(await stillRunning()).toEqual([]);
  });

  test('stopped by SIGTERM, it ends the ShellCheck runs it started', { timeout: 30_000 }, async () => {
    const { env, out } = gradingSetUp(() => undefined);
    const grading = spawn(process.execPath, [...GRADING_NODE_FLAGS, GRADING_PROCESS, '--out', out], { env, stdio: 'ignore' });
    const ended = new Promise((done) => grading.on('exit', done));
    const deadline = Date.now() + 15_000;
    while (shellcheckPids().length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    expect(shellcheckPids().length).toBeGreaterThan(0);
    grading.kill('SIGTERM');
    await ended;
    expect(await stillRunning()).toEqual([]);
  });

  test("as watch mode's service, it ends with the watcher, ShellCheck runs included", { timeout: 30_000 }, async () => {
    const { env, out } = gradingSetUp(() => undefined);
    const service = spawn(process.execPath, [...GRADING_NODE_FLAGS, GRADING_PROCESS, '--serve'], {
      env,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const ended = new Promise((done) => service.on('exit', done));
    service.send({ out });
    const deadline = Date.now() + 15_000;
    while (shellcheckPids().length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    expect(shellcheckPids().length).toBeGreaterThan(0);
    service.disconnect();
    await ended;
    expect(await stillRunning()).toEqual([]);
  });
});
