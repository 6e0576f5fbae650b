// The fixtures prove the checks: the passing repository and each passing variant pass everything,
// and each failing fixture fails exactly the check it is named after (others pass or skip).
import { afterAll, describe, expect, test } from 'vitest';
import { CATALOG } from '../catalog/checks.ts';
import { readConfig } from '../config/env.ts';
import { gradeStatic, STATIC_IDS } from './grade.ts';
import { failingFixtures, materialize, passingVariants, removeMaterialized } from './fixtures.ts';
import type { CheckResult } from './result.ts';

const GRADING_DATE = '2026-11-26';
const built: string[] = [];
afterAll(async () => Promise.all(built.map(removeMaterialized)));

async function grade(fixture: string): Promise<CheckResult[]> {
  const dir = await materialize(fixture);
  built.push(dir);
  return gradeStatic(readConfig({ IOT_REPO: dir, IOT_DATE: GRADING_DATE }));
}

const summary = (results: CheckResult[]) => results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.message}`);

test('the passing repository passes every static check; bonus checks skip (it has no bonus part)', async () => {
  const results = await grade('passing');
  expect(summary(results)).toEqual([]);
  const bonus = new Set(CATALOG.filter((spec) => spec.part === 'bonus').map((spec) => spec.id));
  const shellcheckMissing = results.find((r) => r.id === 'G-SHELLCHECK')?.status === 'skip' && !process.env.CI;
  for (const result of results) {
    const expected = bonus.has(result.id) || (result.id === 'G-SHELLCHECK' && shellcheckMissing) ? 'skip' : 'pass';
    expect(`${result.id}: ${result.status} (${result.message})`).toMatch(new RegExp(`^${result.id}: ${expected}`));
  }
});

test('the passing repository with a bonus part passes every static check, bonus included', async () => {
  expect(summary(await grade('passing-bonus'))).toEqual([]);
});

const variants = await passingVariants();

describe.concurrent('passing variants', () => {
  for (const variant of variants) {
    test(`${variant.name} passes every static check: ${variant.manifest.why}`, async () => {
      const results = await grade(variant.name);
      expect(summary(results)).toEqual([]);
      for (const [id, text] of Object.entries(variant.manifest.shows ?? {})) {
        const result = results.find((r) => r.id === id);
        expect(`${id}: ${result?.status}: ${result?.message}`).toContain(text);
      }
    });
  }
});

const fixtures = await failingFixtures();

test('every static check has at least one failing fixture', () => {
  const proven = new Set(fixtures.map((fixture) => fixture.expectedFailure));
  expect(STATIC_IDS.filter((id) => !proven.has(id))).toEqual([]);
});

describe.concurrent('failing fixtures', () => {
  for (const fixture of fixtures) {
    test(`${fixture.name} fails ${fixture.expectedFailure} only: ${fixture.manifest.why}`, async () => {
      const results = await grade(fixture.name);
      const failed = results.filter((result) => result.status === 'fail');
      expect(
        failed.map((result) => result.id),
        summary(results).join('\n'),
      ).toEqual([fixture.expectedFailure]);
      const [failure] = failed;
      expect(failure.message.length, 'a failure says what is wrong').toBeGreaterThan(10);
      expect(failure.fix ?? '', 'a failure says what to change').not.toBe('');
      const namesAFile = failure.locations.length > 0 || /\b[\w.-]+\//.test(failure.message);
      expect(namesAFile, `a failure names the file: ${failure.message}`).toBe(true);
    });
  }
});
