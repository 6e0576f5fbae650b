// The folder of kept facts is only a chance: one that cannot be made costs nothing but the keeping, at once.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { KeptFacts } from './kept-facts.ts';

const scratch = mkdtempSync(join(tmpdir(), 'iot-kept-facts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('a fact kept is read back', () => {
  KeptFacts.open('kind', join(scratch, 'a/b'))!.write(['key'], 'value');
  expect(KeptFacts.open('kind', join(scratch, 'a/b'))!.read(['key'])?.toString()).toBe('value');
});

test.runIf(process.platform === 'linux')('IOT_CACHE under /proc: no folder, at once (it used to spin for ever)', () => {
  const program = `import { KeptFacts } from ${JSON.stringify(join(import.meta.dirname, 'kept-facts.ts'))};
    console.log(String(KeptFacts.open('kind', '/proc/no-such-process/iot-cache')));`;
  const run = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', program], { encoding: 'utf8', timeout: 10_000 });
  expect([run.signal, run.stdout.trim()]).toEqual([null, 'undefined']);
});
