// Reading one repository's JSON report, as the corpus tools do: real rows, and every way a report can be broken.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatuses, readReport } from './report-file.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iot-report-file-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function report(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

// The shape helpers/report/write.ts writes: one row per check, with catalog fields around the result.
const ROWS = [
  { id: 'G-LAYOUT', part: 'general', severity: 'required', title: 'layout', tier: 'static', status: 'pass', message: 'ok', locations: [] },
  {
    id: 'P1-NAMES',
    part: 'p1',
    severity: 'required',
    title: 'names',
    tier: 'static',
    status: 'fail',
    message: 'machine "server" is not <login>S',
    fix: 'rename it',
    locations: [{ file: 'p1/Vagrantfile', line: 3 }],
  },
  {
    id: 'B-LAYOUT',
    part: 'bonus',
    severity: 'required',
    title: 'bonus layout',
    tier: 'static',
    status: 'skip',
    message: 'no bonus part',
    locations: [],
  },
];

describe('readReport', () => {
  it('reads the rows of a report the suite wrote, and counts them by status', async () => {
    const read = readReport(await report('good.json', `${JSON.stringify(ROWS, null, 2)}\n`));
    expect(read.state).toBe('ok');
    if (read.state !== 'ok') return;
    expect(read.rows.map((row) => [row.id, row.status])).toEqual([
      ['G-LAYOUT', 'pass'],
      ['P1-NAMES', 'fail'],
      ['B-LAYOUT', 'skip'],
    ]);
    expect(read.rows[1].message).toBe('machine "server" is not <login>S');
    expect(countStatuses(read.rows)).toEqual({ pass: 1, fail: 1, skip: 1 });
  });

  it('reads an empty array as a report with no rows', async () => {
    expect(readReport(await report('no-rows.json', '[]'))).toEqual({ state: 'ok', rows: [] });
  });

  it('says a report that was never written is missing', () => {
    const read = readReport(join(dir, 'never-written.json'));
    expect(read).toMatchObject({ state: 'missing' });
    if (read.state !== 'ok') expect(read.detail).toContain('never-written.json');
  });

  it.each([
    ['an empty file', 'empty.json', '', 'it is empty'],
    ['a file cut off mid-write', 'cut.json', JSON.stringify(ROWS).slice(0, 80), 'it is not JSON'],
    ['an object instead of rows', 'object.json', '{"rows": []}', 'expected an array of rows, found an object'],
    ['a row that is not an object', 'number-row.json', '[1]', 'row 1 is a number'],
    ['a row without an ID', 'no-id.json', '[{"status": "pass", "message": ""}]', 'row 1 has no check ID'],
    ['an unknown status', 'status.json', '[{"id": "G-YAML", "status": "passed", "message": ""}]', 'G-YAML) has status "passed"'],
    ['a message that is not text', 'message.json', '[{"id": "G-YAML", "status": "pass", "message": 3}]', 'a message that is not text'],
    [
      'a check reported twice',
      'twice.json',
      '[{"id": "G-YAML", "status": "pass", "message": ""}, {"id": "G-YAML", "status": "fail", "message": ""}]',
      'row 2 repeats the check ID G-YAML',
    ],
  ])('says why %s cannot be read', async (_what, name, text, detail) => {
    const read = readReport(await report(name, text));
    expect(read.state).toBe('unreadable');
    if (read.state !== 'ok') expect(read.detail).toContain(detail);
  });
});
