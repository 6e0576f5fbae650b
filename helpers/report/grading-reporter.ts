// The vitest reporter of the grading sheet (listed after 'default' in vitest.config.ts).
// After every run: the reports' files, the terminal summary, and the exit status of the grade policy:
// vitest has set exit status 1 for any failed test before calling onTestRunEnd; this puts it back to 0
// when the only failures are advised or good-practice checks.
import { performance } from 'node:perf_hooks';
import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node';
import { config, ConfigError, type Config } from '../config/env.ts';
import { gradeRun } from './grade.ts';
import type { RunInfo } from './run-info.ts';
import { paintFor, terminalSummary } from './summary.ts';
import { runOutcome } from './vitest-run.ts';
import { shown, writeReports } from './write.ts';

export default class GradingReporter implements Reporter {
  private vitest?: Vitest;
  private startedAt = performance.now();

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunStart(): void {
    this.startedAt = performance.now();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    // No test file matched: vitest has said so and set the exit status itself.
    if (modules.length === 0 && unhandled.length === 0) return;
    const root = this.vitest?.config.root ?? process.cwd();
    const outcome = runOutcome(modules, unhandled, reason, root);

    let settings: Config | undefined;
    try {
      settings = config();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      outcome.problems.push(`configuration: ${error.message} (no report written)`);
    }
    const grading = gradeRun(outcome);
    const info: RunInfo = {
      target: settings?.repo ?? '(unknown: the configuration is invalid)',
      date: settings?.date ?? new Date().toISOString().slice(0, 10),
      live: settings?.live ?? false,
      durationMs: performance.now() - this.startedAt,
      finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };

    const written = settings
      ? writeReports(grading, info, {
          reportsDir: settings.reportsDir,
          json: settings.report,
          stepSummary: process.env.GITHUB_STEP_SUMMARY || undefined,
        })
      : { files: [], errors: [] };
    grading.problems.push(...written.errors);
    if (written.errors.length > 0) grading.exitCode = 1;

    const print = (text: string) => (this.vitest ? this.vitest.logger.log(text) : console.log(text));
    print(
      terminalSummary(
        grading,
        info,
        written.files.map((file) => shown(file)),
        paintFor(process.stdout),
      ),
    );
    process.exitCode = grading.exitCode;
  }
}
