// ShellCheck's outcomes kept between runs: asked once per binary, arguments and text; never a failure kept;
// a malformed entry or a folder that is not the user's own is not trusted.
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ShellcheckCache, shellcheckIdentity } from './shellcheck-cache.ts';
import { runShellchecks } from './shellcheck.ts';

let scratch: string;
let savedPath: string | undefined;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'iot-shellcheck-cache-'));
  savedPath = process.env.PATH;
});
afterEach(async () => {
  process.env.PATH = savedPath;
  await rm(scratch, { recursive: true, force: true });
});

/** A shellcheck on PATH that counts its runs and reports one error on line 2, or fails when `fails`. */
function fakeShellcheck(fails = false): { bin: string; runs: () => number } {
  const bin = join(scratch, 'bin');
  const count = join(scratch, 'runs');
  mkdirSync(bin, { recursive: true });
  writeFileSync(count, '');
  const report = JSON.stringify({ comments: [{ line: 2, level: 'error', code: 1072, message: 'Expected test to end here.' }] });
  const body = fails ? 'echo "shellcheck: out of luck" >&2; exit 3' : `cat > /dev/null; printf '%s' '${report}'`;
  writeFileSync(join(bin, 'shellcheck'), `#!/bin/sh\necho run >> '${count}'\n${body}\n`);
  chmodSync(join(bin, 'shellcheck'), 0o755);
  process.env.PATH = `${bin}${delimiter}${savedPath}`;
  return { bin, runs: () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length };
}

const script = (text: string) => ({ text, dialect: 'bash' });

describe.runIf(process.platform !== 'win32')('ShellCheck outcomes kept between runs', () => {
  test('a script seen before is not checked again; a changed script or a changed shellcheck is', async () => {
    const shellcheck = fakeShellcheck();
    const first = await runShellchecks([script(`#!/bin/bash\n[ -f /x]\n# ${scratch}\n`)]);
    expect(first).toEqual([{ kind: 'done', findings: [{ line: 2, code: 1072, message: 'Expected test to end here.' }] }]);
    expect(shellcheck.runs()).toBe(1);

    expect(await runShellchecks([script(`#!/bin/bash\n[ -f /x]\n# ${scratch}\n`)])).toEqual(first);
    expect(shellcheck.runs()).toBe(1);

    await runShellchecks([script(`#!/bin/bash\n[ -f /y]\n# ${scratch}\n`)]);
    expect(shellcheck.runs()).toBe(2);

    utimesSync(join(shellcheck.bin, 'shellcheck'), new Date(), new Date(Date.now() + 60_000));
    await runShellchecks([script(`#!/bin/bash\n[ -f /x]\n# ${scratch}\n`)]);
    expect(shellcheck.runs()).toBe(3);
  });

  test('a shellcheck that failed is asked again next time', async () => {
    const shellcheck = fakeShellcheck(true);
    const text = `#!/bin/bash\necho ${scratch}\n`;
    expect(await runShellchecks([script(text)])).toEqual([{ kind: 'failed', reason: 'shellcheck: out of luck' }]);
    await runShellchecks([script(text)]);
    expect(shellcheck.runs()).toBe(2);
  });

  test('an entry that is not a list of findings is a miss', () => {
    fakeShellcheck();
    const cache = ShellcheckCache.open(join(scratch, 'cache'))!;
    cache.write(['--shell=bash'], 'echo a\n', [{ line: 1, code: 2086, message: 'Double quote' }]);
    expect(cache.read(['--shell=bash'], 'echo a\n')).toEqual([{ line: 1, code: 2086, message: 'Double quote' }]);
    expect(cache.read(['--shell=sh'], 'echo a\n')).toBeUndefined();
    const [entry] = readdirSync(join(scratch, 'cache', 'shellcheck'));
    for (const garbage of ['{"comments": []}', '[{"line": "1"}]', 'not json']) {
      writeFileSync(join(scratch, 'cache', 'shellcheck', entry!), garbage);
      expect(cache.read(['--shell=bash'], 'echo a\n')).toBeUndefined();
    }
  });

  test('no shellcheck on PATH: no cache (the check says shellcheck is missing)', () => {
    expect(shellcheckIdentity(join(scratch, 'nowhere'))).toBeUndefined();
    expect(ShellcheckCache.open(join(scratch, 'cache'), join(scratch, 'nowhere'))).toBeUndefined();
  });

  // Only root can give a folder to another user.
  test.runIf(process.getuid?.() === 0)("a folder another user owns is not trusted: its outcomes could be anyone's", () => {
    fakeShellcheck();
    const folder = join(scratch, 'theirs');
    mkdirSync(folder);
    chownSync(folder, 4242, 4242);
    expect(ShellcheckCache.open(folder)).toBeUndefined();
    expect(ShellcheckCache.open(join(scratch, 'mine'))).toBeDefined();
  });
});
