// makeFolder makes what `mkdir -p` makes, and fails at once where Node's recursive mkdir loops for ever.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { makeFolder } from './make-folder.ts';

const scratch = mkdtempSync(join(tmpdir(), 'iot-make-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('makes the folder and the parents it lacks, with the mode asked for; an existing folder is fine', () => {
  const folder = join(scratch, 'a/b/c');
  makeFolder(folder, 0o700);
  makeFolder(folder, 0o700);
  expect(statSync(folder).isDirectory()).toBe(true);
  expect(statSync(join(scratch, 'a')).mode & 0o777).toBe(0o700);
});

test('a file in the way is named', () => {
  writeFileSync(join(scratch, 'file'), '');
  expect(() => makeFolder(join(scratch, 'file/sub'))).toThrow(/ENOTDIR/);
});

/** Runs `call` (a statement using `fs` and `makeFolder`) in a process of its own, stopped after 10 s. */
function runAlone(call: string): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const program = `import * as fs from 'node:fs'; import { makeFolder } from ${JSON.stringify(join(import.meta.dirname, 'make-folder.ts'))};
    try { ${call}; } catch (error) { console.error(error.code); }`;
  const run = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', program], { encoding: 'utf8', timeout: 10_000 });
  return { status: run.status, signal: run.signal, stderr: run.stderr.trim() };
}

test.runIf(process.platform === 'linux')("under /proc: ENOENT at once, where Node's recursive mkdir spins for ever", () => {
  expect(runAlone(`makeFolder('/proc/no-such-process/iot')`)).toEqual({ status: 0, signal: null, stderr: 'ENOENT' });
  // What makeFolder is for: the same call through Node's own recursive mkdir is still spinning when it is stopped.
  expect(runAlone(`fs.mkdirSync('/proc/no-such-process/iot', { recursive: true })`).signal).toBe('SIGTERM');
});
