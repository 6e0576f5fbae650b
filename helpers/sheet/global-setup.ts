// Global setup of the grading project (vitest.config.ts): the static checks of the target are graded
// once per run, in one child process, and every static suite file reads its results from that file
// (results.ts waits for it, so that vitest starts its worker and collects the suites meanwhile).
// `npm test` starts that grading even before vitest (npm-test.mjs, IOT_GRADING_HANDOFF).
// In watch mode, a grading service stays up, and a change to a file of the target grades it again
// before the suites rerun.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { config } from '../config/env.ts';
import { makeProcessFolder } from '../config/process-folders.mjs';
import { gradeInChildProcess } from './grading-child.mjs';
import { GradingService } from './grading-service.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /**
     * The file of this run's static grading (graded-results.mjs); it may not be written yet. `grader`: the process that
     * writes it, when it is not one this setup waits for (npm test's own, IOT_GRADING_PID).
     */
    iotStaticGrading: { file: string; target: string; grader?: number };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const settings = config();
  const target = settings.repo;
  const watching = project.vitest.config.watch;
  // Consumed here, so that no vitest run a test starts takes this run's grading for its own.
  const handoff = process.env.IOT_GRADING_HANDOFF;
  const grader = Number(process.env.IOT_GRADING_PID) || undefined;
  delete process.env.IOT_GRADING_HANDOFF;
  delete process.env.IOT_GRADING_PID;

  // npm test's grading file is in npm test's folder, which it removes; a folder here only for a grading of its own.
  if (handoff && !watching) {
    project.provide('iotStaticGrading', { file: handoff, target, grader });
    return async () => undefined;
  }
  // Named after this process, as npm test's own: a run ended by SIGKILL leaves it to the next npm test.
  const folder = makeProcessFolder(tmpdir(), 'grading');
  // Also when vitest ends without its teardown (watch mode stopped by SIGTERM).
  const removeFolder = (): void => rmSync(folder, { recursive: true, force: true });
  process.once('exit', removeFolder);
  if (watching) {
    const service = new GradingService({ target });
    let round = 0;
    const grade = async (): Promise<void> => {
      const file = join(folder, `grading-${++round}.json`);
      await service.grade(file);
      project.provide('iotStaticGrading', { file, target });
    };
    await grade();
    project.vitest.vite.watcher.add(target);
    project.onTestsRerun(grade);
    return async () => {
      service.close();
      removeFolder();
    };
  }

  const file = join(folder, 'grading.json');
  const pending = gradeInChildProcess({ out: file, target });
  project.provide('iotStaticGrading', { file, target });
  return async () => {
    await pending;
    removeFolder();
  };
}
