// @ts-check
// The file one static grading leaves for the suites: the target and a result per static check,
// or why the grading could not finish. Plain JavaScript, as npm-test.mjs loads it before vitest starts.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** @typedef {{ target: string; results: import('../checks/result.ts').CheckResult[] } | { target: string; crash: string }} Grading */

/**
 * Writes the file whole or not at all: a reader waiting for it never sees half of it.
 * @param {string} file
 * @param {Grading} grading
 */
export function writeGrading(file, grading) {
  writeFileSync(`${file}.partial`, JSON.stringify(grading));
  renameSync(`${file}.partial`, file);
}

/** @param {string} file */
export const hasGrading = (file) => existsSync(file);

/**
 * @param {string} file
 * @returns {Grading}
 */
export function readGrading(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}
