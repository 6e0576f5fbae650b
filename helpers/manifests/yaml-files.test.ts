import { afterEach, describe, expect, test } from 'vitest';
import { MAX_FILE_BYTES } from '../target/repository.ts';
import { contextWith, removeRepos } from './test-repo.ts';
import { MAX_ALIAS_COUNT, parseYaml, yamlFiles } from './yaml-files.ts';

afterEach(removeRepos);

describe('parsing YAML with positions', () => {
  test('each document keeps its start line and the line of every field', () => {
    const file = parseYaml(
      'p2/confs/a.yaml',
      ['# comment', 'a: 1', '---', 'kind: X', 'spec:', '  items:', '    - name: one', '    - name: two', '      port: 80', ''].join('\n'),
    );
    expect(file.errors).toEqual([]);
    expect(file.documents.map((doc) => doc.line)).toEqual([2, 4]);
    const doc = file.documents[1];
    expect(doc.lineOf(['spec', 'items', 1, 'port'])).toBe(9);
    expect(doc.lineOf(['spec', 'items', 1])).toBe(8);
    expect(doc.lineOf([])).toBe(4);
    // A missing field falls back to its deepest existing ancestor.
    expect(doc.lineOf(['spec', 'items', 1, 'nothing', 'deeper'])).toBe(8);
    expect(doc.lineOf(['spec', 'missing'])).toBe(5);
  });

  test('fields reached through an alias or a merge key have a line', () => {
    const doc = parseYaml('a.yaml', ['base: &base', '  port: 80', 'svc:', '  <<: *base', '  name: x', ''].join('\n')).documents[0];
    expect(doc.data).toEqual({ base: { port: 80 }, svc: { port: 80, name: 'x' } });
    expect(doc.lineOf(['svc', 'port'])).toBe(2);
    expect(doc.lineOf(['svc', 'name'])).toBe(5);
  });

  test('scalars are read as kubectl reads them (YAML 1.1), dates and 1:20 stay strings', () => {
    const doc = parseYaml('a.yaml', 'a: yes\nb: off\nc: 0755\nd: 2024-01-01\ne: 1:20\nf: "yes"\n').documents[0];
    expect(doc.data).toEqual({ a: true, b: false, c: 493, d: '2024-01-01', e: '1:20', f: 'yes' });
  });

  test('a dot without digits is a string, as Go reads it (path: . is a folder, not NaN); real floats stay numbers', () => {
    const doc = parseYaml('a.yaml', 'a: .\nb: -.\nc: .e5\nd: 1.5\ne: .5\nf: 2.\ng: 1.0e+3\nh: .nan\ni: -.inf\n').documents[0];
    expect(doc.data).toEqual({ a: '.', b: '-.', c: '.e5', d: 1.5, e: 0.5, f: 2, g: 1000, h: NaN, i: -Infinity });
  });

  test('a duplicate key is an error at its line, and its document yields no data', () => {
    const file = parseYaml('p2/confs/a.yaml', 'ok: 1\n---\nmetadata:\n  name: a\n  name: b\n');
    expect(file.errors).toEqual([{ message: 'Map keys must be unique', line: 5, code: 'DUPLICATE_KEY' }]);
    expect(file.documents.map((doc) => doc.data)).toEqual([{ ok: 1 }]);
  });

  test('a syntax error names its line', () => {
    const file = parseYaml('a.yaml', 'a:\n  - b\n c: [1,\n');
    expect(file.errors.length).toBeGreaterThan(0);
    expect(file.errors[0].line).toBeGreaterThanOrEqual(2);
    expect(file.documents).toEqual([]);
  });

  test('an alias bomb fails fast with a clear message', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'bcdefghijk';
    for (let i = 0; i < names.length; i++)
      lines.push(
        `${names[i]}: &${names[i]} [${Array(9)
          .fill(`*${i ? names[i - 1] : 'a'}`)
          .join(',')}]`,
      );
    const started = performance.now();
    const file = parseYaml('p2/confs/bomb.yaml', lines.join('\n'));
    expect(performance.now() - started).toBeLessThan(500);
    expect(file.documents).toEqual([]);
    expect(file.errors).toHaveLength(1);
    expect(file.errors[0]).toMatchObject({ code: 'ALIAS_COUNT', line: 1 });
    expect(file.errors[0].message).toContain(`more than ${MAX_ALIAS_COUNT} aliases`);
  });

  test('absurd nesting is an error, not a crash', () => {
    const started = performance.now();
    const file = parseYaml('deep.yaml', `a: ${'['.repeat(20_000)}`);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(file.errors.length).toBeGreaterThan(0);
  });
});

describe('the YAML files of a part', () => {
  test('every .yaml/.yml file of the part, Helm templates excluded, other parts apart', async () => {
    const ctx = await contextWith({
      'p2/confs/apps.yaml': 'a: 1\n',
      'p2/confs/more.yml': 'b: 2\n',
      'p2/chart/Chart.yaml': 'apiVersion: v2\nname: c\n',
      'p2/chart/values.yaml': 'replicas: 3\n',
      'p2/chart/templates/deploy.yaml': 'metadata:\n  name: {{ .Values.name }}\n  name: again\n',
      'p2/not-a-chart/templates/plain.yaml': 'c: 3\n',
      'p2/README.md': '# yaml: no',
      'p3/confs/app.yaml': 'd: 4\n',
    });
    const files = await yamlFiles(ctx, 'p2');
    expect(files.map((file) => file.path).sort()).toEqual([
      'p2/chart/Chart.yaml',
      'p2/chart/values.yaml',
      'p2/confs/apps.yaml',
      'p2/confs/more.yml',
      'p2/not-a-chart/templates/plain.yaml',
    ]);
    expect(files.every((file) => file.errors.length === 0)).toBe(true);
    expect(await yamlFiles(ctx, 'p2')).toBe(files);
  });

  test('binary, huge and symlinked-out YAML files are reported by name, without documents', async () => {
    const ctx = await contextWith(
      {
        'p2/confs/binary.yaml': Buffer.from([0x61, 0x3a, 0x00, 0x01, 0x02]),
        'p2/confs/huge.yaml': `a: "${'x'.repeat(MAX_FILE_BYTES)}"\n`,
      },
      { symlinks: { 'p2/confs/outside.yaml': '/etc/hostname' } },
    );
    const files = await yamlFiles(ctx, 'p2');
    const problems = Object.fromEntries(files.map((file) => [file.path, file.problem]));
    expect(problems['p2/confs/binary.yaml']).toMatch(/^p2\/confs\/binary\.yaml is a binary file/);
    expect(problems['p2/confs/huge.yaml']).toMatch(/^p2\/confs\/huge\.yaml is \d+ KiB/);
    expect(problems['p2/confs/outside.yaml']).toMatch(/^p2\/confs\/outside\.yaml is a symbolic link to .*outside the repository/);
    expect(files.every((file) => file.documents.length === 0)).toBe(true);
  });
});
