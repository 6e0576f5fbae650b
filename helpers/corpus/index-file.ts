// <out>/index.json: what one grading of a corpus ran (which grader, which date) and how each repository fared.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusCounts } from './report-file.ts';

export const INDEX_FILE = 'index.json';

export interface IndexEntry {
  /** The checkout's folder name in the corpus: <owner>+<name>. */
  name: string;
  /** The commit the checkout was exported from (the corpus's .materialised), when known. */
  commit: string | null;
  /** The report's file name in the same folder. */
  report: string;
  /** ok: the report was read; missing or unreadable: it was not; timeout: the run was stopped. */
  state: 'ok' | 'missing' | 'unreadable' | 'timeout';
  /** Why the report is missing or unreadable. */
  detail?: string;
  counts?: StatusCounts;
  /** vitest's exit status (1 when a required check failed), or null when it was killed. */
  exitStatus: number | null;
  signal: string | null;
  seconds: number;
  /** The run's output, relative to the index's folder. */
  log: string;
}

export interface CorpusIndex {
  grader: { dir: string; commit: string | null; modified: boolean | null };
  /** IOT_DATE of every run. */
  date: string;
  corpus: string;
  node: string;
  /** Tools whose presence changes verdicts (G-SHELLCHECK, kustomize folders): their version, or null when absent. */
  tools: Record<string, string | null>;
  startedAt: string;
  finishedAt: string | null;
  seconds: number;
  /** False while the grading runs, or when it was interrupted. */
  complete: boolean;
  repositories: IndexEntry[];
  /** Per check ID, how many repositories passed, failed and skipped it (readable reports only). */
  checks: Record<string, StatusCounts>;
}

/** The index of a report folder, or undefined when it has none that can be read. */
export function readIndex(dir: string): CorpusIndex | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, INDEX_FILE), 'utf8'));
    return typeof parsed === 'object' && parsed !== null && Array.isArray(parsed.repositories) ? (parsed as CorpusIndex) : undefined;
  } catch {
    return undefined;
  }
}

/** One line about an index: grader commit, date, completeness. */
export function describeIndex(index: CorpusIndex | undefined): string {
  if (!index) return 'no index.json';
  const commit = index.grader?.commit ? index.grader.commit.slice(0, 12) : 'unknown commit';
  const modified = index.grader?.modified ? ' with uncommitted changes' : '';
  const complete = index.complete ? '' : ', INCOMPLETE run';
  return `grader ${commit}${modified}, IOT_DATE ${index.date}, ${index.repositories.length} repositories${complete}`;
}
