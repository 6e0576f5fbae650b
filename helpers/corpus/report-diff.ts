// Two gradings of a corpus compared row by row (repository × check ID): status changes, message
// changes, and reports missing or unreadable on either side.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Status } from '../checks/result.ts';
import { INDEX_FILE, readIndex } from './index-file.ts';
import { type ReportRead, readReport } from './report-file.ts';

/** Each repository's report in a folder written by helpers/corpus/grade.ts, by checkout name. */
export function readReports(dir: string): Map<string, ReportRead> {
  const names = new Set(
    readdirSync(dir)
      .filter((file) => file.endsWith('.json') && file !== INDEX_FILE)
      .map((file) => file.slice(0, -'.json'.length)),
  );
  // A repository the index lists has a report, or it is missing: list it either way.
  for (const entry of readIndex(dir)?.repositories ?? []) if (typeof entry?.name === 'string') names.add(entry.name);
  return new Map([...names].map((name) => [name, readReport(join(dir, `${name}.json`))]));
}

/** A row whose status differs; undefined: the check has no row on that side. */
export interface StatusChange {
  repo: string;
  id: string;
  before?: Status;
  after?: Status;
  message: string;
}

export interface MessageChange {
  repo: string;
  id: string;
  status: Status;
  before: string;
  after: string;
}

/** A repository whose report cannot be compared: missing or unreadable on at least one side. */
export interface ReportProblem {
  repo: string;
  before: ReportRead;
  after: ReportRead;
}

export interface CorpusDiff {
  /** Repositories with a readable report on both sides. */
  repositories: number;
  /** Rows compared (present on both sides). */
  rows: number;
  statusChanges: StatusChange[];
  messageChanges: MessageChange[];
  problems: ReportProblem[];
}

const byName = (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase()) || a.localeCompare(b);
const ABSENT: ReportRead = { state: 'missing', detail: 'not graded in this folder' };

/** common: only the repositories both folders graded (after a grading of some with --only). */
export function diffReports(before: Map<string, ReportRead>, after: Map<string, ReportRead>, common = false): CorpusDiff {
  const diff: CorpusDiff = { repositories: 0, rows: 0, statusChanges: [], messageChanges: [], problems: [] };
  const all = [...new Set([...before.keys(), ...after.keys()])].sort(byName);
  const repos = common ? all.filter((repo) => before.has(repo) && after.has(repo)) : all;
  for (const repo of repos) {
    const old = before.get(repo) ?? ABSENT;
    const now = after.get(repo) ?? ABSENT;
    if (old.state !== 'ok' || now.state !== 'ok') {
      diff.problems.push({ repo, before: old, after: now });
      continue;
    }
    diff.repositories++;
    const oldRows = new Map(old.rows.map((row) => [row.id, row]));
    const newIds = new Set(now.rows.map((row) => row.id));
    // The after report's order (the catalog's), then checks it no longer has.
    const ids = [...now.rows.map((row) => row.id), ...old.rows.map((row) => row.id).filter((id) => !newIds.has(id))];
    const newRows = new Map(now.rows.map((row) => [row.id, row]));
    for (const id of ids) {
      const was = oldRows.get(id);
      const is = newRows.get(id);
      if (was && is) diff.rows++;
      if (was?.status !== is?.status)
        diff.statusChanges.push({ repo, id, before: was?.status, after: is?.status, message: (is ?? was)?.message ?? '' });
      else if (was && is && was.message !== is.message)
        diff.messageChanges.push({ repo, id, status: is.status, before: was.message, after: is.message });
    }
  }
  return diff;
}

/** Whitespace folded, and cut to width characters. */
export function shorten(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(0, width - 1))}…`;
}

const shownStatus = (status: Status | undefined) => status ?? '(no row)';

export interface FormatOptions {
  /** Also list rows whose message changed under the same status. */
  messages: boolean;
  /** Width of a shortened message. */
  width: number;
}

/** The comparison as lines of text: status changes, message changes (when asked), problems, summary. */
export function formatDiff(diff: CorpusDiff, options: FormatOptions): string[] {
  const lines: string[] = [];
  const repoWidth = Math.max(10, ...[...diff.statusChanges, ...diff.messageChanges].map((change) => change.repo.length));
  const idWidth = Math.max(8, ...[...diff.statusChanges, ...diff.messageChanges].map((change) => change.id.length));

  lines.push(`Status changed: ${diff.statusChanges.length} row(s)`);
  for (const change of diff.statusChanges) {
    const transition = `${shownStatus(change.before)} → ${shownStatus(change.after)}`;
    lines.push(
      `  ${change.repo.padEnd(repoWidth)}  ${change.id.padEnd(idWidth)}  ${transition.padEnd(17)}  ${shorten(change.message, options.width)}`,
    );
  }

  if (options.messages) {
    lines.push('', `Message changed, same status: ${diff.messageChanges.length} row(s)`);
    for (const change of diff.messageChanges) {
      lines.push(`  ${change.repo.padEnd(repoWidth)}  ${change.id.padEnd(idWidth)}  ${change.status}`);
      lines.push(`      before: ${shorten(change.before, options.width)}`);
      lines.push(`      after:  ${shorten(change.after, options.width)}`);
    }
  }

  if (diff.problems.length > 0) {
    lines.push('', `Reports missing or unreadable: ${diff.problems.length} repository(ies)`);
    const width = Math.max(10, ...diff.problems.map((problem) => problem.repo.length));
    const describe = (read: ReportRead) => (read.state === 'ok' ? 'ok' : `${read.state} (${shorten(read.detail, options.width)})`);
    for (const problem of diff.problems)
      lines.push(`  ${problem.repo.padEnd(width)}  before: ${describe(problem.before)};  after: ${describe(problem.after)}`);
  }

  lines.push('', ...summary(diff, options));
  return lines;
}

function summary(diff: CorpusDiff, options: FormatOptions): string[] {
  const tally = (keys: string[]) => {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return [...counts].map(([key, count]) => `${key} ${count}`).join(', ');
  };
  const transitions = tally(diff.statusChanges.map((change) => `${shownStatus(change.before)} → ${shownStatus(change.after)}`));
  const checks = tally(diff.statusChanges.map((change) => change.id));
  const messageNote = options.messages || diff.messageChanges.length === 0 ? '' : ' (--messages lists them)';
  return [
    `Summary: ${diff.repositories} repositories compared on ${diff.rows} rows; ` +
      `${diff.statusChanges.length} status change(s)${transitions ? ` (${transitions})` : ''}; ` +
      `${diff.messageChanges.length} message change(s) under the same status${messageNote}; ` +
      `${diff.problems.length} repository(ies) with a report missing or unreadable.`,
    ...(checks ? [`Status changes by check: ${checks}.`] : []),
  ];
}
