// A ShellCheck run ends with the grading process that started it, waited for or not.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fakeShellcheck, isRunning } from './testing.ts';

let scratch: string | undefined;
let leftover: number | undefined;
afterEach(() => {
  if (leftover !== undefined && isRunning(leftover)) process.kill(leftover, 'SIGKILL');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = leftover = undefined;
});

describe.runIf(process.platform === 'linux')('ShellCheck runs', () => {
  test('a run nothing waits for any more ends when the grading process exits', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'iot-shellcheck-'));
    const pidFile = join(scratch, 'pid');
    // A ShellCheck stuck on a pathological script, for longer than this test.
    const path = fakeShellcheck(scratch, `echo $$ > '${pidFile}'\nexec sleep 60`);
    // As in a grading where G-SHELLCHECK is skipped: ShellCheck started ahead, then the process writes its results and exits.
    const grading = `import { runShellcheck } from ${JSON.stringify(new URL('./shellcheck.ts', import.meta.url).pathname)};
      void runShellcheck('echo $(echo x)', 'bash');
      const { existsSync } = await import('node:fs');
      while (!existsSync(${JSON.stringify(pidFile)})) await new Promise((done) => setTimeout(done, 5));
      process.exit(0);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', grading], {
      encoding: 'utf8',
      env: { ...process.env, PATH: path },
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
