// `npm test` (npm-test.mjs): which runs start the grading before vitest, and that the wrapper changes
// nothing a user sees: the same results, vitest's exit status, Ctrl-C handled by vitest.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { fakeShellcheck } from '../shell/testing.ts';
import { processFolderPrefix } from '../config/process-folders.mjs';
import { GRADING_NODE_FLAGS } from './grading-child.mjs';
import { runsOnlyStaticSuites, runsStaticSuitesOnce, staticSuitesAmong, testFilesOf } from './npm-test.mjs';

const WRAPPER = join(PROJECT_ROOT, 'helpers/sheet/npm-test.mjs');
const VITEST = join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs');
const SUITES = ['suites/general/static.test.ts', 'suites/p1/static.test.ts', 'suites/p3/static.test.ts'];
const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: { test: string } };
/** The Node flags package.json's `test` script starts npm-test.mjs with. */
const AS_NPM_RUNS_IT = packageJson.scripts.test.split(' ').filter((word) => word.startsWith('--'));

// npm test decides how to start vitest from the test files it will run: the same files as vitest's own list.
test('npm test finds the test files and static suites vitest lists', () => {
  const listed = spawnSync(process.execPath, [VITEST, 'list', '--filesOnly', '--json'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect(listed.status, listed.stderr).toBe(0);
  const files = JSON.parse(listed.stdout) as Array<{ file: string; projectName: string }>;
  const relative = (file: string) => file.slice(PROJECT_ROOT.length + 1);
  const found = testFilesOf(PROJECT_ROOT);
  expect([...found].sort()).toEqual(files.map(({ file }) => relative(file)).sort());
  expect(staticSuitesAmong(found).sort()).toEqual(
    files
      .filter(({ projectName }) => projectName === 'grading')
      .map(({ file }) => relative(file))
      .sort(),
  );
});

describe('the grading starts before vitest', () => {
  test.each([
    [[], true],
    [['static'], true],
    [['p3'], true],
    [['suites/p1'], true],
    [['static', '--reporter=dot'], true],
    [['self-tests-only-word'], false],
    [['live'], false],
    [['--watch'], false],
    [['watch', 'static'], false],
    [['--project', 'grading'], false],
  ])('npm test -- %j: %s', (args, expected) => {
    expect(runsStaticSuitesOnce(args, SUITES)).toBe(expected);
  });
});

describe('vitest waits for the grading at low priority only when it runs nothing but static suites', () => {
  const FILES = [...SUITES, 'suites/p3/live.test.ts', 'helpers/sheet/npm-test.test.ts'];
  test.each([
    [['static'], true],
    [['suites/p1/static'], true],
    [['static', '--reporter=dot'], true],
    [[], false],
    [['p3'], false],
    [['sheet'], false],
    [['static', 'live'], false],
    [['--watch', 'static'], false],
  ])('npm test -- %j: %s', (args, expected) => {
    expect(runsOnlyStaticSuites(args, FILES, SUITES)).toBe(expected);
  });
});

// A stand-in for vitest: starts a worker thread, then prints the nice value of each of its threads (/proc, field 19).
const THREAD_PRIORITIES = `
  import { readdirSync, readFileSync } from 'node:fs';
  import { Worker } from 'node:worker_threads';
  const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
  await new Promise((done) => worker.once('online', done));
  const nice = (task) => Number(readFileSync('/proc/self/task/' + task + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
  console.log(JSON.stringify(readdirSync('/proc/self/task').map(nice)));
  process.exit(0);
`;

describe('a waiting vitest runs every thread at the lowest priority, and the grading process keeps its own', () => {
  // Each in a process of its own, which says its own priority once the command has started.
  const priorities = (waiting: boolean): { command: number[]; starter: number } => {
    const starter = `
      import { getPriority } from 'node:os';
      import { startAtPriority } from ${JSON.stringify(join(PROJECT_ROOT, 'helpers/sheet/npm-test.mjs'))};
      const command = startAtPriority(process.execPath, ['--input-type=module', '-e', ${JSON.stringify(THREAD_PRIORITIES)}], { options: { stdio: 'inherit' }, waiting: ${waiting} });
      command.on('close', () => console.log(JSON.stringify(getPriority())));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', starter], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [command, starterPriority] = run.stdout.trim().split('\n');
    return { command: JSON.parse(command!) as number[], starter: JSON.parse(starterPriority!) as number };
  };

  test.runIf(process.platform === 'linux')('waiting: all of its threads, those Node starts first included, at 19', () => {
    const { command, starter } = priorities(true);
    expect(command.length).toBeGreaterThan(2);
    expect(new Set(command)).toEqual(new Set([19]));
    expect(starter).toBe(getPriority());
  });

  test.runIf(process.platform === 'linux')('not waiting: the priority it was given', () => {
    const { command, starter } = priorities(false);
    expect(new Set(command)).toEqual(new Set([getPriority()]));
    expect(starter).toBe(getPriority());
  });
});

/** A Node older than 22.18 installed beside this one (this workplace's system Node is 20), if there is one. */
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
  const version = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const [major, minor] = version.split('.').map(Number) as [number, number];
  return version !== '' && (major < 22 || (major === 22 && minor < 18));
});

test.runIf(OLD_NODE)('on a Node older than 22.18, npm test says so in one line', () => {
  const run = spawnSync(OLD_NODE!, [...AS_NPM_RUNS_IT, WRAPPER, 'static'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect(run.status).toBe(2);
  expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^iot: Node [\d.]+ is too old: Node 22\.18 or later is needed/)]);
});

describe('npm test end to end', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'iot-npm-test-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });
  const env = (report: string) => ({
    ...process.env,
    IOT_REPO: join(PROJECT_ROOT, 'suites/fixtures/passing'),
    IOT_DATE: '2026-12-05',
    IOT_REPORT: report,
    IOT_REPORTS_DIR: join(scratch, 'reports'),
    IOT_GRADING_HANDOFF: '',
  });
  const rows = async (file: string) =>
    (JSON.parse(await readFile(file, 'utf8')) as Array<Record<string, unknown>>).map(({ id, status, message, locations }) => ({
      id,
      status,
      message,
      locations,
    }));

  test("package.json starts it with the grading's Node flags, so that it grades in its own process", () => {
    expect(packageJson.scripts.test).toBe(`node ${GRADING_NODE_FLAGS.join(' ')} helpers/sheet/npm-test.mjs`);
  });

  test.each([
    ['in its own process, as npm test runs it', AS_NPM_RUNS_IT],
    ['in a child process, when started without those flags', []],
  ])('grading %s: exactly as vitest run does, and exits as vitest exits', { timeout: 90_000 }, async (_, flags) => {
    const wrapped = spawnSync(process.execPath, [...flags, WRAPPER, 'static'], {
      cwd: PROJECT_ROOT,
      env: env(join(scratch, 'wrapped.json')),
    });
    const direct = spawnSync(process.execPath, [VITEST, 'run', 'static'], { cwd: PROJECT_ROOT, env: env(join(scratch, 'direct.json')) });
    expect(wrapped.status, String(wrapped.stderr)).toBe(0);
    expect(direct.status).toBe(0);
    expect(await rows(join(scratch, 'wrapped.json'))).toEqual(await rows(join(scratch, 'direct.json')));
    expect((await rows(join(scratch, 'wrapped.json'))).length).toBe(36);

    const nothing = spawnSync(process.execPath, [...flags, WRAPPER, 'no-such-suite-anywhere'], { cwd: PROJECT_ROOT, env: env('') });
    expect(nothing.status).toBe(1);
  });

  /** `npm test -- static` as npm runs it, in a process group of its own, given Ctrl-C 1.5 s in, as a terminal does. */
  async function ctrlCDuringGrading(nodeFlags: string[], runEnv: NodeJS.ProcessEnv): Promise<ChildProcess> {
    const child = spawn(process.execPath, [...AS_NPM_RUNS_IT, ...nodeFlags, WRAPPER, 'static'], {
      cwd: PROJECT_ROOT,
      env: runEnv,
      detached: true,
      stdio: 'ignore',
    });
    await new Promise((done) => setTimeout(done, 1500));
    process.kill(-child.pid!, 'SIGINT');
    return child;
  }

  /** What still runs in the group of `child` after up to 10 s: vitest's workers may take a moment to end after vitest. */
  async function groupLeft(child: ChildProcess): Promise<string> {
    const group = () => spawnSync('pgrep', ['-g', String(child.pid)], { encoding: 'utf8' }).stdout.trim();
    for (let waited = 0; group() !== '' && waited < 10_000; waited += 200) await new Promise((done) => setTimeout(done, 200));
    return group();
  }

  test('Ctrl-C ends a grading stuck in a loop, which no JavaScript handler could interrupt', { timeout: 60_000 }, async () => {
    // The wrapper's own thread spins from 0.3 s on, as a grader looping on a pathological input would.
    const child = await ctrlCDuringGrading(['--import', `data:text/javascript,setTimeout(() => { for (;;); }, 300)`], env(''));
    const ended = await Promise.race([
      new Promise<boolean>((done) => child.on('exit', () => done(true))),
      new Promise<boolean>((done) => setTimeout(() => done(false), 10_000)),
    ]);
    if (!ended) process.kill(-child.pid!, 'SIGKILL');
    expect(ended, 'the wrapper still ran 10 s after Ctrl-C').toBe(true);
    expect(await groupLeft(child)).toBe('');
    // Ended by the signal, it could not remove its grading folder: the next run does.
    const leftBehind = () => readdirSync(tmpdir()).filter((name) => name.startsWith(processFolderPrefix('grading', child.pid!)));
    expect(leftBehind()).toHaveLength(1);
    spawnSync(process.execPath, [WRAPPER, 'no-such-suite-anywhere'], { cwd: PROJECT_ROOT, env: env('') });
    expect(leftBehind()).toEqual([]);
  });

  test('Ctrl-C: vitest ends the run and the wrapper follows it, with no grading left behind', { timeout: 60_000 }, async () => {
    // A ShellCheck that never answers keeps the grading going until Ctrl-C, however fast the machine.
    const slowed = { ...env(''), PATH: fakeShellcheck(scratch, 'exec sleep 60'), IOT_CACHE: join(scratch, 'cache') };
    const child = await ctrlCDuringGrading([], slowed);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
      child.on('exit', (...exit) => done(exit as [number | null, NodeJS.Signals | null])),
    );
    expect(code !== 0 || signal !== null).toBe(true);
    expect(await groupLeft(child)).toBe('');
  });
});
