// Watch mode for the student's loop (`IOT_REPO=../my-iot npx vitest static`): a change to a file of the
// graded repository reruns the static suites, whose global setup grades the target again first.
import { globSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { TestUserConfig } from 'vitest/node';
import { PROJECT_ROOT, type Config } from '../config/env.ts';

type WatchTriggers = NonNullable<TestUserConfig['watchTriggerPatterns']>;

/** Folders of a checkout that are not the submission: git's, dependencies, Vagrant's state, reports. */
const NOT_SUBMISSION = new Set(['.git', 'node_modules', '.vagrant', '.vite']);

export const staticSuiteFiles = (): string[] =>
  globSync('suites/*/static.test.ts', { cwd: PROJECT_ROOT }).map((file) => join(PROJECT_ROOT, file));

/** Whether a changed file belongs to the graded submission (and is not written by the run itself). */
export function isTargetChange(file: string, settings: Pick<Config, 'repo' | 'reportsDir' | 'report'>): boolean {
  const inRepo = relative(settings.repo, file);
  if (inRepo === '' || inRepo.startsWith('..') || inRepo.startsWith(sep)) return false;
  if (inRepo.split(sep).some((segment) => NOT_SUBMISSION.has(segment))) return false;
  const inReports = relative(settings.reportsDir, file);
  if (!inReports.startsWith('..') && !inReports.startsWith(sep)) return false;
  return file !== settings.report;
}

/** vitest's watchTriggerPatterns: any file of the target reruns the static suites. */
export function targetChangeTriggers(settings: Config): WatchTriggers {
  return [
    {
      pattern: /.*/,
      testsToRun: (file) => (isTargetChange(file, settings) ? staticSuiteFiles() : undefined),
    },
  ];
}
