// The suite type-checks: `npm test` (and so CI's .ci/run) fails on a type error, as ci.yml's
// separate `tsc` step does on GitHub.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';

const tsc = join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc');

test('tsc -p . finds no type error', async () => {
  const run = await promisify(execFile)(process.execPath, [tsc, '-p', '.'], { cwd: PROJECT_ROOT }).catch(
    (error: { stdout: string; code: number }) => error,
  );
  expect('stdout' in run ? run.stdout : '').toBe('');
}, 120_000);
