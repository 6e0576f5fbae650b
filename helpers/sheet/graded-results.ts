// The file one static grading leaves for the suites: the target and a result per static check,
// or why the grading could not finish.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { CheckResult } from '../checks/result.ts';

export type Grading = { target: string; results: CheckResult[] } | { target: string; crash: string };

/** Writes the file whole or not at all: a reader waiting for it never sees half of it. */
export function writeGrading(file: string, grading: Grading): void {
  writeFileSync(`${file}.partial`, JSON.stringify(grading));
  renameSync(`${file}.partial`, file);
}

export const hasGrading = (file: string): boolean => existsSync(file);

export function readGrading(file: string): Grading {
  return JSON.parse(readFileSync(file, 'utf8')) as Grading;
}
