// helpers/ and suites/ import one way, along the layers of layers.ts: `npm test` fails on an import from a higher
// layer or a cycle between folders of one layer, naming the file, the line, the path and both layers.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { importsOf } from './imports.ts';
import { layerViolations } from './layer-check.ts';

const trees: string[] = [];
afterAll(() => {
  for (const tree of trees) rmSync(tree, { recursive: true, force: true });
});

/** A throw-away project with the given files (path → source). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'iot-layers-'));
  trees.push(root);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
}

test('every import of helpers/ and suites/ goes to its own or a lower layer, with no cycle within a layer', () => {
  expect(layerViolations(PROJECT_ROOT)).toEqual([]);
});

describe('the check can fail', () => {
  const LAYERS = [['helpers/config'], ['helpers/target'], ['helpers/checks'], ['helpers/report', 'helpers/cluster', 'suites']];

  test('an import from a higher layer, static, re-exported or dynamic, in a test file too', () => {
    const root = tree({
      'helpers/config/env.ts': 'export const A = 1;\n',
      'helpers/target/location.ts': "// fine: config is lower\nimport { A } from '../config/env.ts';\nexport const B = A;\n",
      'helpers/target/upward.ts': "export const C = 1;\n\nimport type { D } from '../checks/result.ts';\n",
      'helpers/target/upward.test.ts': "const { E } = await import('../report/sheet.ts');\nexport { F } from '../checks/result.ts';\n",
      'helpers/checks/result.ts': "import { B } from '../target/location.ts';\nexport type D = typeof B;\nexport const F = 1;\n",
      'helpers/report/sheet.ts': 'export const E = 1;\n',
    });
    expect(layerViolations(root, LAYERS)).toEqual([
      "helpers/target/upward.test.ts:1 imports '../report/sheet.ts': helpers/target (layer 1) may not import helpers/report (layer 3), a higher layer",
      "helpers/target/upward.test.ts:2 imports '../checks/result.ts': helpers/target (layer 1) may not import helpers/checks (layer 2), a higher layer",
      "helpers/target/upward.ts:3 imports '../checks/result.ts': helpers/target (layer 1) may not import helpers/checks (layer 2), a higher layer",
    ]);
  });

  test('a cycle between folders of one layer, naming an import of each direction', () => {
    const root = tree({
      'helpers/report/grade.ts': "import { live } from '../cluster/live.ts';\nexport const grade = live;\n",
      'helpers/cluster/live.ts': "export const live = 1;\nimport { check } from '../../suites/p1/static.test.ts';\n",
      'suites/p1/static.test.ts': "import { grade } from '../../helpers/report/grade.ts';\nexport const check = grade;\n",
    });
    expect(layerViolations(root, LAYERS)).toEqual([
      "a cycle within layer 3 between helpers/cluster, helpers/report, suites: helpers/cluster/live.ts:2 imports '../../suites/p1/static.test.ts'; suites/p1/static.test.ts:1 imports '../../helpers/report/grade.ts'; helpers/report/grade.ts:1 imports '../cluster/live.ts'",
    ]);
  });

  test('a folder that has no layer', () => {
    const root = tree({ 'helpers/newfolder/a.ts': 'export const A = 1;\n', 'suites/p1/static.test.ts': '' });
    expect(layerViolations(root, LAYERS)).toEqual([
      'helpers/newfolder/a.ts: its folder helpers/newfolder has no layer in helpers/ci/layers.ts: add it to LAYERS',
    ]);
  });
});

describe('importsOf', () => {
  test('reads static imports, re-exports and dynamic imports, with the line of their path', () => {
    const source = [
      "import { a } from './a.ts';",
      'import type {',
      '  B,',
      "} from '../b.ts';",
      "import './side-effect.ts';",
      "import * as c from './c.ts';",
      "export { d } from './d.ts';",
      "export * from './e.ts';",
      "export type { F } from './f.ts';",
      "const g = await import('./g.ts');",
      "import h, { i } from 'node:path';",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      { specifier: './a.ts', line: 1 },
      { specifier: '../b.ts', line: 4 },
      { specifier: './side-effect.ts', line: 5 },
      { specifier: './c.ts', line: 6 },
      { specifier: './d.ts', line: 7 },
      { specifier: './e.ts', line: 8 },
      { specifier: './f.ts', line: 9 },
      { specifier: './g.ts', line: 10 },
      { specifier: 'node:path', line: 11 },
    ]);
  });

  test('ignores imports written in comments, strings, templates and regular expressions', () => {
    const source = [
      "// import { x } from '../checks/x.ts';",
      "/* export * from '../checks/y.ts'; */",
      'const text = "import { z } from \'../checks/z.ts\';";',
      "const template = `${1}\nimport { w } from '../checks/w.ts';\n${`import('../checks/v.ts')`}`;",
      "const pattern = /import\\('..\\/checks\\/u.ts'\\)/;",
      'const ratio = 4 / 2; const meta = import.meta.dirname; const object = { import: 1, export: 2 };',
      "export const after = 1; import { t } from './t.ts';",
    ].join('\n');
    expect(importsOf(source)).toEqual([{ specifier: './t.ts', line: 9 }]);
  });
});
