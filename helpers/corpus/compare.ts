// npm run corpus:compare -- <before-dir> <after-dir> [--messages] [--strict] [--common] [--width <n>]
//
// Compares two report folders written by helpers/corpus/grade.ts, row by row (repository × check ID):
// every row whose status changed, with the after message; with --messages, also the rows whose message
// changed under the same status; reports missing or unreadable on either side; a summary.
// Exit 0, or with --strict 1 when a status changed or a report is readable on one side only; 2 on a usage error.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeIndex, readIndex } from './index-file.ts';
import { diffReports, formatDiff, readReports } from './report-diff.ts';

const USAGE = `usage: node helpers/corpus/compare.ts <before-dir> <after-dir> [--messages] [--strict] [--common] [--width <n>]
  --common    compare only the repositories both folders graded (after corpus:grade --only)
  --messages  also list rows whose status is the same but whose message changed
  --strict    exit 1 when any status changed, or a report is readable on one side only
  --width     characters of a message shown (default 160)`;

function usageError(message: string): never {
  console.error(`corpus:compare: ${message}\n${USAGE}`);
  process.exit(2);
}

function readArguments() {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: {
        messages: { type: 'boolean' },
        strict: { type: 'boolean' },
        common: { type: 'boolean' },
        width: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
}

const parsed = readArguments();
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (parsed.positionals.length !== 2) usageError(`expected two report folders, got ${parsed.positionals.length}`);
const [before, after] = parsed.positionals.map((dir) => resolve(dir));
for (const dir of [before, after])
  if (!existsSync(dir) || !statSync(dir).isDirectory()) usageError(`${dir}: no such folder (a folder written by npm run corpus:grade)`);
const width = Number(parsed.values.width ?? 160);
if (!Number.isInteger(width) || width < 20) usageError(`--width ${parsed.values.width}: expected a whole number, 20 or more`);

const [indexBefore, indexAfter] = [readIndex(before), readIndex(after)];
console.log(`before: ${before} (${describeIndex(indexBefore)})`);
console.log(`after:  ${after} (${describeIndex(indexAfter)})`);
if (indexBefore && indexAfter && indexBefore.date !== indexAfter.date)
  console.log(
    `note: the gradings used different IOT_DATE values (${indexBefore.date}, ${indexAfter.date}): P1-BOX may differ for that reason`,
  );
for (const tool of new Set([...Object.keys(indexBefore?.tools ?? {}), ...Object.keys(indexAfter?.tools ?? {})])) {
  const [was, is] = [indexBefore?.tools?.[tool] ?? null, indexAfter?.tools?.[tool] ?? null];
  if (indexBefore && indexAfter && was !== is)
    console.log(
      `note: ${tool} differs between the gradings (${was ?? 'absent'}, ${is ?? 'absent'}): checks that use it may differ for that reason`,
    );
}
console.log('');

const diff = diffReports(readReports(before), readReports(after), parsed.values.common ?? false);
for (const line of formatDiff(diff, { messages: parsed.values.messages ?? false, width })) console.log(line);

const oneSided = diff.problems.some((problem) => problem.before.state !== problem.after.state);
process.exitCode = parsed.values.strict && (diff.statusChanges.length > 0 || oneSided) ? 1 : 0;
