// npm run corpus:grade -- [--grader <dir>] [--corpus <dir>] [--out <dir>] [--date YYYY-MM-DD] [--timeout <s>] [--only a,b]
//
// Grades every checkout of a corpus folder the way a user grades one repository: `npx vitest run static`
// in the grader's checkout with IOT_REPO=<checkout> and IOT_REPORT=<out>/<name>.json, one repository
// after the other. Every run has the same IOT_DATE and no IOT_LOGIN, so two graders' folders compare
// row by row (helpers/corpus/compare.ts). A run that fails, hangs or writes no readable report is
// recorded as such and the next one starts. Writes <out>/index.json and <out>/logs/<name>.log.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseDotenv } from 'dotenv';
import { makeFolder } from '../config/make-folder.ts';
import { PROJECT_ROOT } from '../config/env.ts';
import { formatDuration } from '../report/wording.ts';
import { corpusCheckouts, isFolder } from './checkouts.ts';
import { type CorpusIndex, type IndexEntry, INDEX_FILE } from './index-file.ts';
import { countStatuses, readReport, type StatusCounts } from './report-file.ts';

const USAGE = `usage: node helpers/corpus/grade.ts [--grader <dir>] [--corpus <dir>] [--out <dir>] [--date YYYY-MM-DD] [--timeout <seconds>] [--only <name,name>]
  --grader   the checkout of the suite that grades (default: this repository); it must have run npm ci
  --corpus   the folder of checkouts, one per repository (default: /work/corpus; see helpers/corpus/materialise.sh)
  --out      where the reports go (default: reports/corpus/<grader commit> in this repository)
  --date     IOT_DATE of every run (default: 2026-12-05)
  --timeout  seconds after which one repository's run is stopped (default: 600)
  --only     grade only these checkouts (comma-separated folder names)`;

class UsageError extends Error {}

interface Options {
  grader: string;
  corpus: string;
  out: string;
  date: string;
  timeoutMs: number;
  only?: string[];
}

function readOptions(argv: string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        grader: { type: 'string' },
        corpus: { type: 'string' },
        out: { type: 'string' },
        date: { type: 'string' },
        timeout: { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const grader = resolve((values.grader as string | undefined) ?? PROJECT_ROOT);
  if (!existsSync(join(grader, 'package.json'))) throw new UsageError(`--grader ${grader}: not a checkout of the suite (no package.json)`);
  if (!existsSync(join(grader, 'node_modules', '.bin', 'vitest')))
    throw new UsageError(`--grader ${grader}: its dependencies are not installed; run npm ci there first`);
  const corpus = resolve((values.corpus as string | undefined) ?? '/work/corpus');
  if (!isFolder(corpus)) throw new UsageError(`--corpus ${corpus}: no such folder; build it with helpers/corpus/materialise.sh`);
  const date = (values.date as string | undefined) ?? '2026-12-05';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--date ${date}: expected YYYY-MM-DD`);
  const timeout = Number((values.timeout as string | undefined) ?? '600');
  if (!Number.isInteger(timeout) || timeout <= 0) throw new UsageError(`--timeout ${values.timeout}: expected a whole number of seconds`);
  const out = resolve(
    (values.out as string | undefined) ?? join(PROJECT_ROOT, 'reports', 'corpus', gitCommit(grader)?.slice(0, 7) ?? 'unknown'),
  );
  const only = (values.only as string | undefined)
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return { grader, corpus, out, date, timeoutMs: timeout * 1000, only };
}

function git(dir: string, args: string[]): string | undefined {
  const run = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

const gitCommit = (dir: string): string | null => git(dir, ['rev-parse', 'HEAD']) ?? null;

/** The first line a tool prints about its version, or null when it is not on PATH: its presence changes some verdicts. */
function toolVersion(command: string, args: string[]): string | null {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (run.error || run.status !== 0) return null;
  return (
    `${run.stdout}`
      .split('\n')
      .find((line) => /\d+\.\d+/.test(line))
      ?.trim() ?? 'present'
  );
}

/** The checkouts of the corpus to grade: all of them, or those `--only` names. */
function checkouts(corpus: string, only: string[] | undefined): string[] {
  const names = corpusCheckouts(corpus);
  if (!only) return names;
  const unknown = only.filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new UsageError(`--only: no checkout named ${unknown.join(', ')} in the corpus`);
  return names.filter((name) => only.includes(name));
}

/** The commits helpers/corpus/materialise.sh exported, by checkout folder name (owner+name). */
function exportedCommits(corpus: string): Map<string, string> {
  const commits = new Map<string, string>();
  const file = join(corpus, '.materialised');
  if (!existsSync(file)) return commits;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([^\s#/]+)\/(\S+)\s+([0-9a-f]{40})\b/.exec(line);
    if (match) commits.set(`${match[1]}+${match[2]}`, match[3]);
  }
  return commits;
}

/** Where facts are kept between runs: a setting of the machine, which changes no verdict. */
const MACHINE_SETTINGS = new Set(['IOT_CACHE']);

/** Whether a setting of the caller or of the grader's .env would change a run's verdicts. */
const gradingSetting = (key: string): boolean => key.startsWith('IOT_') && !MACHINE_SETTINGS.has(key);

/**
 * The environment of one run: this one without any grading setting, then the run's own. The grader's .env
 * would fill what is unset, so every grading setting it names is set empty (empty means "default" to the suite).
 */
function runEnvironment(grader: string, settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!gradingSetting(key) && !['GITHUB_STEP_SUMMARY', 'FORCE_COLOR'].includes(key)) env[key] = value;
  const dotenv = join(grader, '.env');
  if (existsSync(dotenv)) for (const key of Object.keys(parseDotenv(readFileSync(dotenv)))) if (gradingSetting(key)) env[key] = '';
  env.IOT_LOGIN = '';
  env.NO_COLOR = '1';
  return { ...env, ...settings };
}

interface RunOutcome {
  exitStatus: number | null;
  signal: string | null;
  timedOut: boolean;
  seconds: number;
}

let current: ReturnType<typeof spawn> | undefined;

/** Runs `npx vitest run static` in the grader, output to the log, stopped (with its children) after the timeout. */
function runGrader(grader: string, env: NodeJS.ProcessEnv, log: string, timeoutMs: number): Promise<RunOutcome> {
  const started = performance.now();
  const fd = openSync(log, 'w');
  return new Promise((done) => {
    let timedOut = false;
    const child = spawn('npx', ['vitest', 'run', 'static'], { cwd: grader, env, stdio: ['ignore', fd, fd], detached: true });
    current = child;
    const stop = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop('SIGTERM');
      setTimeout(() => stop('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    const finish = (exitStatus: number | null, signal: string | null) => {
      clearTimeout(timer);
      closeSync(fd);
      current = undefined;
      done({ exitStatus, signal, timedOut, seconds: Math.round((performance.now() - started) / 100) / 10 });
    };
    child.on('error', (error) => {
      writeFileSync(log, `could not start npx vitest in ${grader}: ${error.message}\n`, { flag: 'a' });
      finish(null, null);
    });
    child.on('exit', (code, signal) => finish(code, signal));
  });
}

function countsText(counts: StatusCounts): string {
  return `pass ${String(counts.pass).padStart(2)}  fail ${String(counts.fail).padStart(2)}  skip ${String(counts.skip).padStart(2)}`;
}

function checkTotals(entries: IndexEntry[], out: string): Record<string, StatusCounts> {
  const totals: Record<string, StatusCounts> = {};
  for (const entry of entries) {
    if (entry.state !== 'ok') continue;
    const read = readReport(join(out, entry.report));
    if (read.state !== 'ok') continue;
    for (const row of read.rows) {
      totals[row.id] ??= { pass: 0, fail: 0, skip: 0 };
      totals[row.id][row.status]++;
    }
  }
  return totals;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const names = checkouts(options.corpus, options.only);
  const commits = exportedCommits(options.corpus);
  makeFolder(join(options.out, 'logs'));

  const commit = gitCommit(options.grader);
  const status = git(options.grader, ['status', '--porcelain']);
  const index: CorpusIndex = {
    grader: { dir: options.grader, commit, modified: status === undefined ? null : status !== '' },
    date: options.date,
    corpus: options.corpus,
    node: process.version,
    tools: { shellcheck: toolVersion('shellcheck', ['--version']), kubectl: toolVersion('kubectl', ['version', '--client']) },
    startedAt: new Date().toISOString(),
    finishedAt: null,
    seconds: 0,
    complete: false,
    repositories: [],
    checks: {},
  };
  const started = performance.now();
  const save = () => {
    index.seconds = Math.round((performance.now() - started) / 100) / 10;
    index.checks = checkTotals(index.repositories, options.out);
    writeFileSync(join(options.out, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  };

  process.on('SIGINT', () => {
    if (current?.pid) {
      try {
        process.kill(-current.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    save();
    console.error(
      `\ninterrupted: ${index.repositories.length} of ${names.length} graded; ${join(options.out, INDEX_FILE)} says so (complete: false)`,
    );
    process.exit(130);
  });

  console.log(
    `grader ${options.grader} at ${commit?.slice(0, 12) ?? 'unknown commit'}${index.grader.modified ? ' (uncommitted changes)' : ''}`,
  );
  console.log(`corpus ${options.corpus}: ${names.length} checkouts; IOT_DATE=${options.date}; reports in ${options.out}`);
  const width = Math.max(...names.map((name) => name.length), 10);
  for (const [position, name] of names.entries()) {
    const report = `${name}.json`;
    const reportPath = join(options.out, report);
    rmSync(reportPath, { force: true }); // a stale report must not pass for this run's
    const log = join('logs', `${name}.log`);
    const reportsDir = mkdtempSync(join(tmpdir(), 'iot-corpus-'));
    const env = runEnvironment(options.grader, {
      IOT_REPO: join(options.corpus, name),
      IOT_REPORT: reportPath,
      IOT_DATE: options.date,
      IOT_REPORTS_DIR: reportsDir,
    });
    const outcome = await runGrader(options.grader, env, join(options.out, log), options.timeoutMs);
    rmSync(reportsDir, { recursive: true, force: true });

    const read = readReport(reportPath);
    const entry: IndexEntry = {
      name,
      commit: commits.get(name) ?? null,
      report,
      state: outcome.timedOut ? 'timeout' : read.state,
      exitStatus: outcome.exitStatus,
      signal: outcome.signal,
      seconds: outcome.seconds,
      log,
    };
    if (outcome.timedOut) entry.detail = `stopped after ${options.timeoutMs / 1000} s`;
    else if (read.state !== 'ok') entry.detail = read.detail;
    else entry.counts = countStatuses(read.rows);
    index.repositories.push(entry);
    save();

    const counter = `[${String(position + 1).padStart(String(names.length).length)}/${names.length}]`;
    const verdict = entry.counts
      ? countsText(entry.counts)
      : `${entry.state.toUpperCase()}: ${entry.detail} (see ${join(options.out, log)})`;
    const exit = outcome.exitStatus === null ? `killed${outcome.signal ? ` (${outcome.signal})` : ''}` : `exit ${outcome.exitStatus}`;
    console.log(`${counter} ${name.padEnd(width)}  ${verdict}  ${exit}  ${formatDuration(outcome.seconds * 1000)}`);
  }

  index.finishedAt = new Date().toISOString();
  index.complete = true;
  save();

  const graded = index.repositories;
  const unread = graded.filter((entry) => entry.state !== 'ok');
  console.log(`\nPer check, across ${graded.length - unread.length} readable reports:`);
  const idWidth = Math.max(...Object.keys(index.checks).map((id) => id.length), 5);
  for (const [id, counts] of Object.entries(index.checks)) console.log(`  ${id.padEnd(idWidth)}  ${countsText(counts)}`);
  const seconds = graded.map((entry) => entry.seconds);
  const mean = seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : 0;
  console.log(
    `\n${graded.length} repositories graded in ${formatDuration(index.seconds * 1000)} (mean ${formatDuration(mean * 1000)}, max ${formatDuration(Math.max(0, ...seconds) * 1000)}); ` +
      `${unread.length} without a readable report${unread.length ? `: ${unread.map((entry) => `${entry.name} (${entry.state})`).join(', ')}` : ''}`,
  );
  console.log(`index: ${join(options.out, INDEX_FILE)}`);
}

try {
  await main();
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`corpus:grade: ${error.message}\n${USAGE}`);
  process.exit(2);
}
