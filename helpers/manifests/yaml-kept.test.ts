// A large YAML file kept between runs reads exactly as when parsed: same errors, documents, data, and the
// same line and scalar style for every path, found or not.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Document, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../config/env.ts';
import type { FieldPath } from './field-path.ts';
import { isYamlPath, parseYaml, readYamlFile, type YamlFile } from './yaml-files.ts';
import { KEEP_MIN_CHARS, keepYamlFile, keptYamlFile } from './yaml-kept.ts';

let root: string;
let savedCache: string | undefined;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'iot-yaml-kept-'));
  savedCache = process.env.IOT_CACHE;
});
afterEach(async () => {
  if (savedCache === undefined) delete process.env.IOT_CACHE;
  else process.env.IOT_CACHE = savedCache;
  await rm(root, { recursive: true, force: true });
});

/** Parses and keeps the text; returns the file as parsed and as read back. */
function parsedAndKept(text: string): { parsed: YamlFile; kept: YamlFile | undefined } {
  const parsed = parseYaml('a.yaml', text, (file, docs, lineAt) => keepYamlFile(text, file, docs, lineAt, root));
  return { parsed, kept: keptYamlFile('a.yaml', text, root) };
}

/** Every path into the data, and beside each a step that finds nothing or takes the wrong kind of step. */
function pathsOf(data: unknown, prefix: FieldPath = []): FieldPath[] {
  const paths: FieldPath[] = [prefix, [...prefix, 'absent'], [...prefix, 99]];
  if (Array.isArray(data)) data.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (data && typeof data === 'object' && !(data instanceof Map) && !(data instanceof Set) && !ArrayBuffer.isView(data))
    for (const [key, value] of Object.entries(data)) {
      paths.push(...pathsOf(value, [...prefix, key]));
      // A number finds a mapping's key too (`1: a`), as kubectl's paths do.
      if (/^\d+$/.test(key)) paths.push([...prefix, Number(key)]);
    }
  return paths;
}

function expectSameReading(parsed: YamlFile, kept: YamlFile | undefined): void {
  expect(kept).toBeDefined();
  expect(kept!.errors).toEqual(parsed.errors);
  expect(kept!.documents.map(({ file, index, line, data }) => ({ file, index, line, data }))).toEqual(
    parsed.documents.map(({ file, index, line, data }) => ({ file, index, line, data })),
  );
  parsed.documents.forEach((doc, i) => {
    const again = kept!.documents[i]!;
    for (const path of pathsOf(doc.data)) {
      expect({ path, line: again.lineOf(path), plain: again.isPlainScalar(path) }).toEqual({
        path,
        line: doc.lineOf(path),
        plain: doc.isPlainScalar(path),
      });
    }
  });
}

const TRICKY = [
  '# a comment',
  'plain: value',
  'quoted: "value"',
  "single: 'value'",
  'block: |',
  '  line one',
  'folded: >',
  '  folded',
  'empty:',
  'nothing: ~',
  '1: numeric key',
  '"2": quoted numeric key',
  'flow: {a: 1, b: [x, "y", {c: d}]}',
  'list:',
  '  - one',
  '  -',
  '  - - nested',
  '    - 2',
  '  - key: v',
  '    other: "w"',
  '? [complex, key]',
  ': ignored by paths',
  'special: [.nan, -.inf, 0o17, 0x1F, yes, off, 1:20, 2024-01-01]',
  'binary: !!binary aGVsbG8=',
  'set: !!set {a, b}',
  '__proto__: not a prototype',
  '---',
  '---',
  '- top',
  '- [level]',
  '---',
  'scalar document',
  '---',
  'bad: [unclosed',
  '---',
  'dup: 1',
  'dup: 2',
  '',
].join('\n');

describe('a YAML file kept between runs', () => {
  test('reads as parsed: errors, documents, data, and every path’s line and scalar style', () => {
    const { parsed, kept } = parsedAndKept(TRICKY);
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(parsed.documents.length).toBe(4);
    expectSameReading(parsed, kept);
  });

  test('reads as parsed for every YAML file of this repository', () => {
    const files = (readdirSync(PROJECT_ROOT, { recursive: true }) as string[]).filter(
      (file) => isYamlPath(file) && !file.startsWith('node_modules') && !file.startsWith('.git/'),
    );
    expect(files.length).toBeGreaterThan(50);
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
      const { parsed, kept } = parsedAndKept(text);
      if (kept) expectSameReading(parsed, kept);
      if (kept) compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });

  test('a file with aliases or merge keys is not kept: its paths resolve through other nodes', () => {
    expect(parsedAndKept('base: &b {a: 1}\nuse: *b\n').kept).toBeUndefined();
    expect(parsedAndKept('x:\n  <<: {a: 1}\n  b: 2\n').kept).toBeUndefined();
  });

  test('keeping never throws: a document it cannot walk (as one nested deeper than the stack) is not kept', () => {
    const file = parseYaml('a.yaml', 'a: 1\n');
    const unwalkable = new Proxy(parseAllDocuments('a: 1\n')[0]!, {
      get: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    });
    expect(() => keepYamlFile('a: 1\n', file, [unwalkable as Document.Parsed], () => 1, root)).not.toThrow();
    expect(keptYamlFile('a.yaml', 'a: 1\n', root)).toBeUndefined();
  });

  test('a changed text is not found; an entry that is not a kept file is a miss', () => {
    parsedAndKept('a: 1\n');
    expect(keptYamlFile('a.yaml', 'a: 2\n', root)).toBeUndefined();
    const [entry] = readdirSync(join(root, 'yaml'));
    for (const garbage of ['not a v8 serialization', '']) {
      writeFileSync(join(root, 'yaml', entry!), garbage);
      expect(keptYamlFile('a.yaml', 'a: 1\n', root)).toBeUndefined();
    }
  });

  test(`the target's files of ${KEEP_MIN_CHARS / 1024} KiB and more are kept, in IOT_CACHE, and read back the same`, () => {
    process.env.IOT_CACHE = root;
    const documents = Array.from({ length: 1000 }, (_, i) => `kind: ConfigMap\nmetadata:\n  name: "cm-${i}"\ndata:\n  key: value-${i}\n`);
    const text = documents.join('---\n');
    expect(text.length).toBeGreaterThanOrEqual(KEEP_MIN_CHARS);
    const file = { path: 'p3/confs/install.yaml', size: text.length, text };
    const first = readYamlFile(file);
    expect(readdirSync(join(root, 'yaml'))).toHaveLength(1);
    expectSameReading(first, readYamlFile(file));
    const small = { path: 'p3/confs/app.yaml', size: 12, text: 'kind: Pod\n' };
    readYamlFile(small);
    expect(readdirSync(join(root, 'yaml'))).toHaveLength(1);
  });
});
