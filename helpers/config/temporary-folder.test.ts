// A temporary folder that cannot be used (TMPDIR naming a file, or nothing) stops npm test and vitest with one line
// naming it and the setting, not with a stack trace from the first folder made in it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { PROJECT_ROOT } from './env.ts';

const scratch = mkdtempSync(join(tmpdir(), 'iot-temporary-folder-'));
const aFile = join(scratch, 'a-file');
writeFileSync(aFile, '');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ENTRY_POINTS = {
  'npm test': ['helpers/sheet/npm-test.mjs', 'static'],
  vitest: ['node_modules/vitest/vitest.mjs', 'run', 'static'],
};

test.each([
  ['npm test', aFile, 'is not a folder'],
  ['npm test', join(scratch, 'missing'), 'does not exist'],
  ['vitest', aFile, 'is not a folder'],
  ['vitest', join(scratch, 'missing'), 'does not exist'],
] as const)('%s with TMPDIR=%s: one line, exit 2', (entry, folder, why) => {
  const run = spawnSync(process.execPath, ENTRY_POINTS[entry], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TMPDIR: folder },
    encoding: 'utf8',
  });
  expect(run.stderr.trim().split('\n')).toEqual([
    `iot: the temporary folder ${folder} (TMPDIR) ${why}: set TMPDIR to a folder you can write in, or unset it`,
  ]);
  expect(run.status).toBe(2);
});
