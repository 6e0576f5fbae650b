// The catalog mirrors CHECKS.md (when the shared contract is reachable), and every check is
// declared in exactly one grading suite.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { CATALOG, STATIC_IDS_OF_PART, type Part } from './checks.ts';

const CONTRACT = join(PROJECT_ROOT, '../shared/conformance/CHECKS.md');

function contractRows(text: string): Array<{ id: string; severity?: string }> {
  return text
    .split('\n')
    .map((line) => /^\| ([A-Z][A-Z0-9]*-[A-Z0-9-]+) \|(?: (required|advised|practice) \|)?/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ id: match[1], severity: match[2] }));
}

describe('catalog', () => {
  test.skipIf(!existsSync(CONTRACT))('matches ../shared/conformance/CHECKS.md: same IDs, same severities', () => {
    const rows = contractRows(readFileSync(CONTRACT, 'utf8'));
    expect(rows.length).toBeGreaterThan(50);
    expect(CATALOG.map((spec) => spec.id).sort()).toEqual(rows.map((row) => row.id).sort());
    for (const row of rows.filter((r) => r.severity))
      expect(`${row.id} ${CATALOG.find((spec) => spec.id === row.id)?.severity}`).toBe(`${row.id} ${row.severity}`);
    for (const row of rows.filter((r) => !r.severity)) expect(CATALOG.find((spec) => spec.id === row.id)?.tier).toBe('live');
  });

  test('every check is declared by exactly one grading suite, in its part folder', () => {
    const suites = join(PROJECT_ROOT, 'suites');
    const declared = new Map<string, string[]>();
    for (const part of readdirSync(suites)) {
      if (part === 'fixtures' || !existsSync(join(suites, part))) continue;
      for (const file of readdirSync(join(suites, part)).filter((name) => name.endsWith('.test.ts'))) {
        const text = readFileSync(join(suites, part, file), 'utf8');
        for (const spec of CATALOG) {
          if (new RegExp(`['"\`]${spec.id}['"\`:]`).test(text))
            declared.set(spec.id, [...(declared.get(spec.id) ?? []), `${part}/${file}`]);
        }
      }
    }
    for (const spec of CATALOG) {
      const folder = spec.part;
      expect(`${spec.id} in ${declared.get(spec.id)?.join(', ') ?? 'no suite'}`).toBe(`${spec.id} in ${folder}/${spec.tier}.test.ts`);
    }
  });

  test("each static suite reads like the evaluation sheet: its part's checks, in catalog order", () => {
    for (const part of Object.keys(STATIC_IDS_OF_PART) as Part[]) {
      const text = readFileSync(join(PROJECT_ROOT, 'suites', part, 'static.test.ts'), 'utf8');
      const order = [...text.matchAll(/\['([A-Z0-9-]+)'\]/g)].map((match) => match[1]);
      expect(`${part}: ${order.join(' ')}`).toBe(`${part}: ${STATIC_IDS_OF_PART[part].join(' ')}`);
    }
  });

  test('self-test paths hold no selector word, so `npm test -- p3` selects grading suites only', () => {
    const selectors = ['p1', 'p2', 'p3', 'bonus', 'static', 'live', 'general'];
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.test.ts')) {
          const path = relative(PROJECT_ROOT, full);
          if (selectors.some((word) => path.includes(word))) offenders.push(path);
        }
      }
    };
    walk(join(PROJECT_ROOT, 'helpers'));
    expect(offenders).toEqual([]);
  });
});
