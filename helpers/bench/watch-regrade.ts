// npm run bench:watch — the student's loop: `vitest --watch static` on a copy of a repository (IOT_REPO,
// or the passing fixture), then one file changed at a time; times each re-grade, from the write to the
// grading summary of the rerun. Target: a median under 1.5 s.
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config/env.ts';
import { benchRuns, median, verdict } from './measure.ts';

const RUNS = benchRuns(5);
const TARGET_MS = 1500;
const FIRST_RUN_TIMEOUT_MS = 60_000;
const SUMMARY = /\d+ passed, \d+ failed, \d+ skipped/;

const source = process.env.IOT_REPO || join(PROJECT_ROOT, 'suites/fixtures/passing');
const scratch = mkdtempSync(join(tmpdir(), 'iot-bench-watch-'));
const repo = join(scratch, 'repo');
cpSync(source, repo, { recursive: true, filter: (path) => !/\/(\.git|node_modules|\.vagrant)(\/|$)/.test(path) });
const changed = join(repo, process.env.BENCH_CHANGED_FILE ?? 'p1/Vagrantfile');

const vitest = spawn(process.execPath, [join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), '--watch', 'static'], {
  cwd: PROJECT_ROOT,
  env: { ...process.env, IOT_REPO: repo, IOT_REPORTS_DIR: join(scratch, 'reports'), IOT_REPORT: '', CI: '' },
  stdio: ['pipe', 'pipe', 'pipe'],
});
let output = '';
let waiter: (() => void) | undefined;
vitest.stdout.setEncoding('utf8');
vitest.stdout.on('data', (chunk: string) => {
  output += chunk;
  if (SUMMARY.test(output)) {
    output = '';
    waiter?.();
  }
});
vitest.stderr.resume();

function nextSummary(timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no grading summary within ${timeoutMs} ms`)), timeoutMs);
    waiter = () => {
      clearTimeout(timer);
      waiter = undefined;
      resolve();
    };
  });
}

const times: number[] = [];
try {
  await nextSummary(FIRST_RUN_TIMEOUT_MS);
  for (let i = 0; i < RUNS; i++) {
    const rerun = nextSummary(FIRST_RUN_TIMEOUT_MS);
    const started = performance.now();
    appendFileSync(changed, `\n# bench edit ${i + 1}\n`);
    await rerun;
    const ms = Math.round(performance.now() - started);
    times.push(ms);
    console.log(`change ${i + 1}: re-graded in ${ms} ms`);
  }
} finally {
  vitest.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
}
const typical = median(times);
console.log(`repository: ${source} (a copy), changed file: ${changed.slice(repo.length + 1)}`);
console.log(`median re-grade ${typical} ms (target < ${TARGET_MS} ms: ${verdict(typical < TARGET_MS)})`);
process.exitCode = typical < TARGET_MS ? 0 : 1;
