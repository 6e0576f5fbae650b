// The code is formatted by Biome (biome.json, 140 columns): `npm test` fails on a file that
// `npm run format` would change, as the type-check does on a type error.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';

const biome = join(PROJECT_ROOT, 'node_modules/.bin/biome');
const run = (args: string[], input?: string) => spawnSync(biome, args, { cwd: PROJECT_ROOT, input, encoding: 'utf8' });

test('biome format finds no file to reformat (run `npm run format`)', () => {
  const check = run(['format', '--colors=off', '.']);
  expect(check.stderr + check.stdout, 'the files biome would reformat').not.toMatch(/would have printed|Formatter would/i);
  expect(check.status).toBe(0);
}, 60_000);

test('the check can fail: an unformatted file is reported', () => {
  const unformatted = "export const a = {b:1,\n      c : 'x'}\n";
  const check = run(['format', '--colors=off', '--stdin-file-path=helpers/ci/unformatted.ts'], unformatted);
  expect(check.status).toBe(0);
  expect(check.stdout).not.toBe(unformatted);
  expect(check.stdout).toBe("export const a = { b: 1, c: 'x' };\n");
});
