// A ShellCheck run ends with the grading process that started it, waited for or not.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';

let scratch: string | undefined;
let leftover: number | undefined;
afterEach(() => {
  if (leftover !== undefined && isRunning(leftover)) process.kill(leftover, 'SIGKILL');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = leftover = undefined;
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A process killed but not yet reaped by its new parent still answers: it is a zombie, not running.
  return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

describe.runIf(process.platform === 'linux')('ShellCheck runs', () => {
  test('a run nothing waits for any more ends when the grading process exits', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'iot-shellcheck-'));
    const bin = join(scratch, 'bin');
    const pidFile = join(scratch, 'pid');
    mkdirSync(bin);
    // A ShellCheck stuck on a pathological script, for longer than this test.
    writeFileSync(join(bin, 'shellcheck'), `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 60\n`);
    chmodSync(join(bin, 'shellcheck'), 0o755);
    // As in a grading where G-SHELLCHECK is skipped: ShellCheck started ahead, then the process writes its results and exits.
    const grading = `import { runShellcheck } from ${JSON.stringify(new URL('./shellcheck.ts', import.meta.url).pathname)};
      void runShellcheck('echo $(echo x)', 'bash');
      const { existsSync } = await import('node:fs');
      while (!existsSync(${JSON.stringify(pidFile)})) await new Promise((done) => setTimeout(done, 5));
      process.exit(0);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', grading], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` },
      timeout: 20_000,
    });
    expect(run.stderr).toBe('');
    expect(existsSync(pidFile)).toBe(true);
    leftover = Number(readFileSync(pidFile, 'utf8'));
    const deadline = Date.now() + 5000;
    while (isRunning(leftover) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    expect(isRunning(leftover), `shellcheck (pid ${leftover}) still runs after the grading process exited`).toBe(false);
  });
});
