// Ctrl-C during a real vitest run: the teardown must still happen although vitest's main process exits about
// 1 ms after SIGINT and its watchdog then kills the worker (docs/upstream-behaviour.md, "Live checks"). A real
// vitest runs a live suite (fixtures/interrupt/) with stub tools whose boot never finishes; SIGINT goes to its
// whole process group, as a terminal sends it. The teardown must then run after vitest is gone, logged to
// reports/<part>/teardown.log, and release the host lock.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { processAlive } from '../config/process-folders.mjs';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'iot-interrupt-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const read = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '');

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

interface Interrupted {
  dir: string;
  reports: string;
  /** When the vitest process exited (ms). */
  exitedAt: number;
  output: string;
  lock: string;
}

/** Runs the interrupt fixture for a part with these stub tools, waits until `booting` holds, sends SIGINT. */
async function interruptRun(
  part: 'p1' | 'p3',
  tools: Record<string, string>,
  booting: (dir: string) => Promise<boolean>,
): Promise<Interrupted> {
  const dir = join(root, part);
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  for (const [name, text] of Object.entries(tools)) {
    await writeFile(join(bin, name), text.replaceAll('$DIR', dir));
    await chmod(join(bin, name), 0o755);
  }
  const reports = join(dir, 'reports');
  const vitest = spawn(
    process.execPath,
    [
      join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      join(import.meta.dirname, 'fixtures/interrupt/vitest.config.ts'),
    ],
    {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        TMPDIR: dir,
        IOT_INTERRUPT_PART: part,
        IOT_REPO: resolve(PROJECT_ROOT, 'suites/fixtures/passing'),
        IOT_REPORTS_DIR: reports,
        IOT_KEEP: 'on-failure',
        IOT_LIVE: '1',
        VAGRANT_DEFAULT_PROVIDER: 'virtualbox',
      },
    },
  );
  let output = '';
  vitest.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  vitest.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((done) => vitest.on('exit', () => done(Date.now())));
  if (!(await until(() => booting(dir), 60_000))) {
    process.kill(-vitest.pid!, 'SIGKILL');
    throw new Error(`the boot did not start; vitest said:\n${output}`);
  }
  process.kill(-vitest.pid!, 'SIGINT');
  const exitedAt = await exited;
  return { dir, reports, exitedAt, output, lock: join(dir, `iot-live-${process.getuid?.() ?? 0}.lock`) };
}

describe('Ctrl-C hands the teardown to a detached process that outlives vitest', () => {
  test('Part 1: vagrant destroy -f runs after vitest exited, in the Vagrantfile folder; teardown.log says so', async () => {
    // `vagrant up` announces itself and hangs; `destroy` takes 2 s, then records when it finished.
    const run = await interruptRun(
      'p1',
      {
        vagrant: `#!/bin/bash
case "$1" in
  --version) echo "Vagrant 2.4.3" ;;
  up) echo "up" >> "$DIR/calls"; echo "==> wilS: Booting VM..."; sleep 120 ;;
  status) printf '1,wilS,state,running\\n1,wilSW,state,running\\n' ;;
  destroy) sleep 2; echo "destroy $* $(date +%s%3N) in $PWD" >> "$DIR/calls" ;;
esac
`,
        VBoxManage: '#!/bin/sh\necho "7.1.6r167084"\n',
      },
      async (dir) => (await read(join(dir, 'calls'))).includes('up'),
    );
    const log = join(run.reports, 'p1', 'teardown.log');
    await until(async () => (await read(log)).includes('teardown finished'), 30_000);
    const text = await read(log);
    expect(text, `vitest said:\n${run.output}`).toContain('vagrant destroy -f (p1/Vagrantfile): vagrant destroy -f (in ');
    expect(text).toContain('[p1] teardown finished: 1 step(s) done');
    const destroyed = /destroy -f (\d+) in (\S+)/.exec(await read(join(run.dir, 'calls')));
    expect(destroyed![2]).toBe(resolve(PROJECT_ROOT, 'suites/fixtures/passing/p1'));
    expect(Number(destroyed![1])).toBeGreaterThan(run.exitedAt);
    expect(await until(async () => !(await read(run.lock)), 5_000)).toBe(true);
  }, 120_000);

  test('Part 3: the script group setup.sh started is ended and the cluster it created deleted, after vitest exited', async () => {
    // setup.sh (the passing fixture's) creates cluster iot, then hangs in `kubectl wait`, which records its pid.
    const run = await interruptRun(
      'p3',
      {
        docker: '#!/bin/sh\necho "28.2.2"\n',
        k3d: `#!/bin/bash
case "$1 $2" in
  "version "*) echo "k3d version v5.8.3" ;;
  "cluster list") if [ -e "$DIR/cluster" ]; then echo '[{"name":"iot"}]'; else echo '[]'; fi ;;
  "cluster create") touch "$DIR/cluster"; echo "create $3" >> "$DIR/calls" ;;
  "cluster delete") sleep 1; rm -f "$DIR/cluster"; echo "delete $3 $(date +%s%3N)" >> "$DIR/calls" ;;
esac
`,
        kubectl: `#!/bin/bash
case "$1" in
  version) echo "Client Version: v1.33.4" ;;
  wait) echo $$ > "$DIR/wait.pid"; sleep 120 ;;
esac
`,
      },
      async (dir) => (await read(join(dir, 'wait.pid'))) !== '',
    );
    const log = join(run.reports, 'p3', 'teardown.log');
    await until(async () => (await read(log)).includes('teardown finished'), 30_000);
    const text = await read(log);
    expect(text, `vitest said:\n${run.output}`).toMatch(/end what bash p3\/scripts\/setup\.sh left running: kill -TERM -\d+/);
    expect(text).toContain('k3d cluster delete iot: k3d cluster delete iot');
    expect(text).toContain('[p3] teardown finished: 2 step(s) done');
    const deleted = /delete iot (\d+)/.exec(await read(join(run.dir, 'calls')));
    expect(Number(deleted![1])).toBeGreaterThan(run.exitedAt);
    const waiting = Number(await read(join(run.dir, 'wait.pid')));
    expect(await until(async () => !processAlive(waiting), 5_000)).toBe(true);
    expect(await until(async () => !(await read(run.lock)), 5_000)).toBe(true);
  }, 120_000);
});
