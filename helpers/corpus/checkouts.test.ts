import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { corpusCheckouts } from './checkouts.ts';

let corpus: string;
afterEach(() => rmSync(corpus, { recursive: true, force: true }));

test("a corpus's checkouts are its folders and links to folders but hidden ones, in case-insensitive order; a dangling link is no checkout", () => {
  corpus = mkdtempSync(join(tmpdir(), 'iot-corpus-'));
  for (const name of ['zed+iot', 'Bob+IoT', 'alice+iot', '.git']) mkdirSync(join(corpus, name));
  writeFileSync(join(corpus, '.materialised'), '');
  writeFileSync(join(corpus, 'notes.txt'), '');
  symlinkSync(join(corpus, 'alice+iot'), join(corpus, 'linked+iot'));
  symlinkSync(join(corpus, 'gone'), join(corpus, 'dangling+iot'));
  expect(corpusCheckouts(corpus)).toEqual(['alice+iot', 'Bob+IoT', 'linked+iot', 'zed+iot']);
});
