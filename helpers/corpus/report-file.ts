// One repository's JSON report (IOT_REPORT) as the corpus tools read it: its rows, or why it cannot be read.
import { readFileSync } from 'node:fs';
import type { Status } from '../checks/result.ts';

const STATUSES: readonly Status[] = ['pass', 'fail', 'skip'];

/** The part of a report row the corpus tools compare. */
export interface CorpusRow {
  id: string;
  status: Status;
  message: string;
}

export type StatusCounts = Record<Status, number>;

export type ReportRead =
  | { state: 'ok'; rows: CorpusRow[] }
  /** missing: no file; unreadable: not JSON, or not the rows of a report (detail says what). */
  | { state: 'missing' | 'unreadable'; detail: string };

/** Reads a report and checks its shape: an array of rows, each with an ID, a status and a message, one row per ID. */
export function readReport(file: string): ReportRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'missing', detail: `no report at ${file}` };
    return { state: 'unreadable', detail: `cannot read ${file}: ${(error as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const what = text.trim() === '' ? 'it is empty' : `it is not JSON (${(error as Error).message})`;
    return { state: 'unreadable', detail: `${file}: ${what}` };
  }
  if (!Array.isArray(parsed)) return { state: 'unreadable', detail: `${file}: expected an array of rows, found ${typeName(parsed)}` };

  const rows: CorpusRow[] = [];
  const seen = new Set<string>();
  for (const [index, value] of parsed.entries()) {
    const where = `${file}: row ${index + 1}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { state: 'unreadable', detail: `${where} is ${typeName(value)}, not an object` };
    const { id, status, message } = value as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') return { state: 'unreadable', detail: `${where} has no check ID` };
    if (!STATUSES.includes(status as Status))
      return { state: 'unreadable', detail: `${where} (${id}) has status ${JSON.stringify(status)}, not pass, fail or skip` };
    if (message !== undefined && typeof message !== 'string')
      return { state: 'unreadable', detail: `${where} (${id}) has a message that is not text` };
    if (seen.has(id)) return { state: 'unreadable', detail: `${where} repeats the check ID ${id}` };
    seen.add(id);
    rows.push({ id, status: status as Status, message: message ?? '' });
  }
  return { state: 'ok', rows };
}

export function countStatuses(rows: readonly CorpusRow[]): StatusCounts {
  const counts: StatusCounts = { pass: 0, fail: 0, skip: 0 };
  for (const row of rows) counts[row.status]++;
  return counts;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
