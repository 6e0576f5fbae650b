import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { corpusCheckouts } from './checkouts.ts';

let corpus: string;
afterEach(() => rmSync(corpus, { recursive: true, force: true }));

test("a corpus's checkouts are its folders but hidden ones, in case-insensitive order", () => {
  corpus = mkdtempSync(join(tmpdir(), 'iot-corpus-'));
  for (const name of ['zed+iot', 'Bob+IoT', 'alice+iot', '.git']) mkdirSync(join(corpus, name));
  writeFileSync(join(corpus, '.materialised'), '');
  writeFileSync(join(corpus, 'notes.txt'), '');
  expect(corpusCheckouts(corpus)).toEqual(['alice+iot', 'Bob+IoT', 'zed+iot']);
});
