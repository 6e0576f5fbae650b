// Writes the grading sheet's files: reports/grading.md, grading.html, junit.xml, IOT_REPORT, CI's job summary.
import { appendFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { makeFolder } from '../config/make-folder.ts';
import type { ReportRow } from '../checks/result.ts';
import type { Grading } from './grade.ts';
import { gradingHtml } from './html.ts';
import { gradingJunit } from './junit.ts';
import { gradingMarkdown } from './markdown.ts';
import type { RunInfo } from './run-info.ts';

export interface ReportTargets {
  /** Folder of grading.md, grading.html and junit.xml. */
  reportsDir: string;
  /** IOT_REPORT: the JSON rows, when set. */
  json?: string;
  /** $GITHUB_STEP_SUMMARY: the Markdown is appended there, when set. */
  stepSummary?: string;
}

export interface Written {
  files: string[];
  /** One sentence per file that could not be written, naming it and why. */
  errors: string[];
}

/** The JSON rows of IOT_REPORT: one per check that ran (ReportRow). */
export const jsonRows = (grading: Grading): ReportRow[] => grading.checks.map((check) => check.row);

/** A path as the user should type it: relative to the current folder when inside it. */
export function shown(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Written at once, at the end of a run: nothing else waits, and going through libuv's thread pool cost ~5 ms. */
export function writeReports(grading: Grading, info: RunInfo, targets: ReportTargets): Written {
  const written: Written = { files: [], errors: [] };
  const markdown = gradingMarkdown(grading, info, targets.reportsDir);
  const outputs: Array<[string, string]> = [
    [join(targets.reportsDir, 'grading.md'), markdown],
    [join(targets.reportsDir, 'grading.html'), gradingHtml(grading, info, targets.reportsDir)],
    [join(targets.reportsDir, 'junit.xml'), gradingJunit(grading)],
  ];
  if (targets.json) outputs.push([targets.json, `${JSON.stringify(jsonRows(grading), null, 2)}\n`]);

  for (const [file, text] of outputs) {
    try {
      makeFolder(dirname(file));
      writeFileSync(file, text);
      written.files.push(file);
    } catch (error) {
      written.errors.push(
        `could not write ${file}: ${(error as Error).message}; check that its folder is writable (IOT_REPORTS_DIR, IOT_REPORT)`,
      );
    }
  }
  if (targets.stepSummary) {
    try {
      appendFileSync(targets.stepSummary, `${markdown}\n`);
    } catch (error) {
      written.errors.push(`could not append the job summary to ${targets.stepSummary}: ${(error as Error).message}`);
    }
  }
  return written;
}
