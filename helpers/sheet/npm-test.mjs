// `npm test`: vitest, with the static grading started at the same time, so that grading the target (about a second)
// overlaps vitest's start-up instead of following it. This process grades the target itself when package.json
// started it with the grading's Node flags (GRADING_NODE_FLAGS: a Node start-up spared), else in a child process;
// the grading writes its file where the grading project's global setup (global-setup.ts) finds it through
// IOT_GRADING_HANDOFF. Plain JavaScript: it must run on an old Node long enough to say that Node is too old.
import { spawn } from 'node:child_process';
// Only what Node 20 has: a missing named import stops the module before it can say that Node is too old.
import { accessSync, constants as fsConstants, readdirSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `iot: Node ${process.versions.node} is too old: Node 22.18 or later is needed (bash .ci/run installs Node 24 from npm; see the README)`,
  );
  process.exit(2);
}

const WATCH_ARGS = new Set(['watch', 'dev', '--watch', '-w']);

/** The file filters among vitest's arguments. */
const fileFilters = (args) => args.filter((arg) => !arg.startsWith('-') && arg !== 'run');

/**
 * Whether this vitest run grades the static suites once, with no watcher: no watch flag, no project
 * chosen, and no file filter, or a filter that selects a static suite (vitest matches filters as
 * substrings of the file path).
 */
export function runsStaticSuitesOnce(args, staticSuites) {
  if (args.some((arg) => WATCH_ARGS.has(arg) || arg.startsWith('--watch') || arg.startsWith('--project'))) return false;
  const filters = fileFilters(args);
  return filters.length === 0 || filters.some((filter) => staticSuites.some((suite) => suite.includes(filter)));
}

/**
 * Whether every test file this run selects is a static suite (`npm test -- static`): then vitest only reads
 * the grading, and waits for it.
 */
export function runsOnlyStaticSuites(args, testFiles, staticSuites) {
  const filters = fileFilters(args);
  if (!filters.length || !runsStaticSuitesOnce(args, staticSuites)) return false;
  return testFiles.every((file) => staticSuites.includes(file) || !filters.some((filter) => file.includes(filter)));
}

/** Lowest priority: vitest then runs on the processor time the grading leaves. */
const WAITING_PRIORITY = 19;

/**
 * Node flags of a vitest that only reads the grading: a young generation that starts at 16 MB instead of growing from
 * 1 MB spares most garbage collections of vitest's start-up (about 60 ms of processor time here).
 */
const WAITING_VITEST_FLAGS = ['--min-semi-space-size=16'];

/**
 * vitest's test files (vitest.config.ts: the `.test.ts` files under suites/ and helpers/, but the fixtures), relative to
 * `root`, with `/` between folders. A walk of two folders: fs.globSync takes ~15 ms more, on the way to the grading.
 * @param {string} root
 * @returns {string[]}
 */
export function testFilesOf(root) {
  const found = [];
  /** @param {string} folder */
  const walk = (folder) => {
    let entries;
    try {
      entries = readdirSync(join(root, folder), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory() && path !== 'suites/fixtures' && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(path);
    }
  };
  walk('suites');
  walk('helpers');
  return found;
}

/**
 * The static suites among test files: suites/<part>/static.test.ts.
 * @param {string[]} testFiles
 */
export const staticSuitesAmong = (testFiles) => testFiles.filter((file) => /^suites\/[^/]+\/static\.test\.ts$/.test(file));

/**
 * nice(1) as `path` finds it, or undefined (Windows, or a system without it).
 * @param {string | undefined} path
 */
function niceCommand(path) {
  if (process.platform === 'win32') return undefined;
  for (const folder of (path ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(folder, 'nice'), fsConstants.X_OK);
      return join(folder, 'nice');
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/**
 * Starts a command, at the lowest priority when `waiting`, through nice(1), so that every thread of the command
 * starts there (on Linux a priority belongs to a thread, and the threads and children a thread starts inherit it;
 * lowering the child's pid afterwards would leave the threads it had already started at the normal priority), while
 * this process, which grades, keeps its own. Without nice(1), the command runs at the normal priority.
 * @param {string} command
 * @param {string[]} args
 * @param {{ options: import('node:child_process').SpawnOptions; waiting: boolean }} how
 */
export function startAtPriority(command, args, { options, waiting }) {
  const nice = waiting ? niceCommand(options.env?.PATH ?? process.env.PATH) : undefined;
  return nice ? spawn(nice, ['-n', String(WAITING_PRIORITY), command, ...args], options) : spawn(command, args, options);
}

/**
 * Ends this process as vitest ended: with its signal, after the exit handlers of a grading still under way (its
 * ShellCheck runs killed, its sandbox copies removed), or with its status.
 * @param {number | null} code
 * @param {NodeJS.Signals | null} signal
 */
function endAsVitest(code, signal) {
  if (signal) {
    process.emit('exit', 128 + (constants.signals[signal] ?? 0));
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
}

async function main(args) {
  (await import('../config/temporary-folder.mjs')).stopUnlessTemporaryFolderUsable();
  const testFiles = testFilesOf(PROJECT_ROOT);
  const staticSuites = staticSuitesAmong(testFiles);
  const { canGradeInThisProcess, gradeInChildProcess, gradeInThisProcess, withCompileCache } = await import('./grading-child.mjs');
  const { makeProcessFolder, removeFoldersOfEndedProcesses } = await import('../config/process-folders.mjs');
  // vitest and its workers load the same modules on every run: Node's compile cache keeps them compiled.
  const env = withCompileCache(process.env);
  const target = process.env.IOT_REPO || PROJECT_ROOT;
  const grades = runsStaticSuitesOnce(args, staticSuites);
  const gradesHere = grades && canGradeInThisProcess();
  let folder;
  let grading;
  const stopGrading = new AbortController();
  if (grades) {
    // Named after this process: a Ctrl-C during the grading ends it before it removes the folder, and a later run
    // removes it (below).
    folder = makeProcessFolder(tmpdir(), 'grading');
    env.IOT_GRADING_HANDOFF = join(folder, 'grading.json');
    // The static suites stop waiting for a grader that is gone (results.ts).
    if (gradesHere) env.IOT_GRADING_PID = String(process.pid);
    else grading = gradeInChildProcess({ out: env.IOT_GRADING_HANDOFF, target, signal: stopGrading.signal });
  }

  // vitest starts in ~0.5 s and then waits for the grading (~1 s), which it slows down on two cores: when it
  // runs only the static suites, it runs on the processor time the grading leaves. Only then: live checks
  // (vagrant, kubectl, curl started by vitest) must not wait behind a busy machine.
  const waiting = grades && runsOnlyStaticSuites(args, testFiles, staticSuites);
  const vitest = startAtPriority(
    process.execPath,
    [...(waiting ? WAITING_VITEST_FLAGS : []), join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...args],
    {
      options: { cwd: PROJECT_ROOT, env, stdio: 'inherit' },
      waiting,
    },
  );
  // A SIGTERM sent to this process alone is passed on. Ctrl-C reaches vitest from the terminal: vitest decides how
  // the run ends (live teardown included), and this process follows it, once it no longer grades. While it grades,
  // Ctrl-C ends it at once (the signal's default action): a grading stuck in a loop, which no JavaScript handler could
  // interrupt, still ends; vitest, which gets the same Ctrl-C, has started nothing live yet (the grading project runs
  // first), and the suites stop waiting for a grader that is gone (results.ts).
  process.on('SIGTERM', () => vitest.kill('SIGTERM'));
  const followVitest = () => {
    process.on('SIGINT', () => undefined);
    process.on('SIGHUP', () => undefined);
  };
  const ended = new Promise((done) => vitest.on('close', (...exit) => done(exit)));
  if (gradesHere) grading = gradeInThisProcess({ out: env.IOT_GRADING_HANDOFF, target, signal: stopGrading.signal }).then(followVitest);
  else followVitest();
  const [code, signal] = await ended;
  // A vitest that stopped early (a bad setting, no matching file, Ctrl-C) leaves no use for the grading: a child
  // is stopped and waited for; one in this process ends with it, and no longer catches this process's errors.
  stopGrading.abort();
  if (!gradesHere) await grading;
  if (folder) rmSync(folder, { recursive: true, force: true });
  removeFoldersOfEndedProcesses(tmpdir(), 'grading');
  endAsVitest(code, signal);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
