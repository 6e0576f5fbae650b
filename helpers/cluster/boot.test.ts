import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BootLog, elapsed, PhaseBudgetExceeded, runPhase } from './boot.ts';
import { RecordingRunner, ZxRunner } from './command-runner.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('boot output', () => {
  test('each line is prefixed with the part, the machine and the elapsed time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iot-boot-'));
    dirs.push(dir);
    let now = 1_000;
    const out: string[] = [];
    const log = new BootLog({ part: 'p1', logFile: join(dir, 'p1', 'boot.log'), write: (text) => out.push(text), now: () => now });
    now += 133_000;
    const runner = new RecordingRunner().on(/^vagrant up/, {
      stdout: "Bringing machine 'wilS' up with 'virtualbox' provider...\n==> wilS: Booting VM...\n    wilSW: Running: inline script\n",
      stderr: 'wilSW: error\n',
    });
    await runner.run('vagrant', ['up'], { onLine: log.sink() });
    expect(out).toEqual([
      "[p1 +02:13] Bringing machine 'wilS' up with 'virtualbox' provider...\n",
      '[p1 wilS +02:13] Booting VM...\n',
      '[p1 wilSW +02:13] Running: inline script\n',
      '[p1 +02:13] wilSW: error\n',
    ]);
    expect(await readFile(join(dir, 'p1', 'boot.log'), 'utf8')).toContain('! [p1 +02:13] wilSW: error\n');
  });

  test('a script name stands for the machine when the line names none', () => {
    const log = new BootLog({ part: 'p3', write: () => {}, now: () => 0 });
    expect(log.format('INFO[0000] Created network k3d-iot', 'setup.sh')).toBe('[p3 setup.sh +00:00] INFO[0000] Created network k3d-iot');
    expect(elapsed(3_725_000)).toBe('1:02:05');
  });
});

describe('boot phases', () => {
  test('a phase within its budget is timed under its name', async () => {
    const timings: Record<string, number> = {};
    expect(await runPhase('vagrant up', 5_000, timings, async () => 'done')).toBe('done');
    expect(timings['vagrant up']).toBeGreaterThanOrEqual(0);
  });

  test('a phase over budget is aborted and named, with the variable to raise', async () => {
    const timings: Record<string, number> = {};
    const runner = new ZxRunner();
    const attempt = runPhase('script p3/scripts/setup.sh', 200, timings, async (signal) => {
      const result = await runner.run('sleep', ['10'], { signal });
      return result.exitCode;
    });
    await expect(attempt).rejects.toThrow(PhaseBudgetExceeded);
    await expect(attempt).rejects.toThrow(
      'boot phase "script p3/scripts/setup.sh" did not finish within its budget of 200 ms; raise IOT_BOOT_TIMEOUT',
    );
    expect(timings['script p3/scripts/setup.sh']).toBeLessThan(3_000);
  });
});
