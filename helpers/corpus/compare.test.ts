// npm run corpus:compare on two small report folders: a changed status, a changed message, a check
// that appeared, a missing and an unreadable report; what it prints and how it exits.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffReports, readReports, shorten } from './report-diff.ts';

const COMPARE = fileURLToPath(new URL('./compare.ts', import.meta.url));

type Row = [id: string, status: 'pass' | 'fail' | 'skip', message: string];
const rows = (list: Row[]) => JSON.stringify(list.map(([id, status, message]) => ({ id, status, message, locations: [] })));

const LONG = `the Ingress has rules and spec.defaultBackend; Traefik ignores the default backend of an Ingress with rules ${'and more '.repeat(30)}END`;

let root = '';
let before = '';
let after = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'iot-corpus-compare-'));
  before = join(root, 'before');
  after = join(root, 'after');
  await mkdir(before);
  await mkdir(after);
  const files: Record<string, [string | undefined, string | undefined]> = {
    'alice+iot.json': [
      rows([
        ['G-LAYOUT', 'pass', 'layout ok'],
        ['P2-INGRESS-DEFAULT', 'pass', 'a rule with no host routes to app3'],
        ['P1-BOX', 'fail', 'box generic/ubuntu2004 is end-of-life'],
      ]),
      rows([
        ['G-LAYOUT', 'pass', 'layout ok'],
        ['P2-INGRESS-DEFAULT', 'fail', LONG],
        ['P1-BOX', 'fail', 'box generic/ubuntu2004 (Ubuntu 20.04) is end-of-life since 2025-05-31'],
        ['P3-IMAGE', 'skip', 'the app manifests live only in the remote repository'],
      ]),
    ],
    'bob+iot.json': [rows([['G-LAYOUT', 'fail', 'no p3/']]), rows([['G-LAYOUT', 'fail', 'no p3/']])],
    'carol+iot.json': [rows([['G-LAYOUT', 'pass', 'ok']]), undefined],
    'dave+iot.json': [rows([['G-LAYOUT', 'pass', 'ok']]), '[{"id": "G-LAYOUT", "stat'],
  };
  for (const [name, [old, now]] of Object.entries(files)) {
    if (old !== undefined) await writeFile(join(before, name), old);
    if (now !== undefined) await writeFile(join(after, name), now);
  }
  // The after grading's index lists a repository whose run wrote no report at all.
  await writeFile(
    join(after, 'index.json'),
    JSON.stringify({ grader: { commit: 'f'.repeat(40) }, date: '2026-12-05', repositories: [{ name: 'erin+iot' }], complete: true }),
  );
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function compare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--no-warnings', COMPARE, ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('corpus comparison', () => {
  it('finds the changed status, the changed message, the new check and the reports that cannot be compared', () => {
    const diff = diffReports(readReports(before), readReports(after));
    expect(diff.repositories).toBe(2);
    expect(diff.rows).toBe(4);
    expect(diff.statusChanges).toEqual([
      { repo: 'alice+iot', id: 'P2-INGRESS-DEFAULT', before: 'pass', after: 'fail', message: LONG },
      {
        repo: 'alice+iot',
        id: 'P3-IMAGE',
        before: undefined,
        after: 'skip',
        message: 'the app manifests live only in the remote repository',
      },
    ]);
    expect(diff.messageChanges).toEqual([
      {
        repo: 'alice+iot',
        id: 'P1-BOX',
        status: 'fail',
        before: 'box generic/ubuntu2004 is end-of-life',
        after: 'box generic/ubuntu2004 (Ubuntu 20.04) is end-of-life since 2025-05-31',
      },
    ]);
    expect(diff.problems.map((problem) => [problem.repo, problem.before.state, problem.after.state])).toEqual([
      ['carol+iot', 'ok', 'missing'],
      ['dave+iot', 'ok', 'unreadable'],
      ['erin+iot', 'missing', 'missing'],
    ]);
  });

  it('prints each changed row with the after message shortened, the problems and a summary, and exits 0', async () => {
    const run = await compare(before, after);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no index.json');
    expect(run.stdout).toContain(`grader ${'f'.repeat(12)}, IOT_DATE 2026-12-05, 1 repositories`);
    expect(run.stdout).toMatch(
      /alice\+iot +P2-INGRESS-DEFAULT +pass → fail +the Ingress has rules and spec\.defaultBackend; Traefik ignores/,
    );
    expect(run.stdout).toMatch(/alice\+iot +P3-IMAGE +\(no row\) → skip/);
    expect(run.stdout).not.toContain('END');
    expect(run.stdout).toContain('…');
    expect(run.stdout).not.toContain('Message changed');
    expect(run.stdout).toMatch(/carol\+iot +before: ok; +after: missing \(not graded in this folder\)/);
    expect(run.stdout).toMatch(/dave\+iot +before: ok; +after: unreadable \(.*dave\+iot\.json: it is not JSON/);
    expect(run.stdout).toMatch(
      /erin\+iot +before: missing \(not graded in this folder\); +after: missing \(no report at .*erin\+iot\.json\)/,
    );
    expect(run.stdout).toContain(
      'Summary: 2 repositories compared on 4 rows; 2 status change(s) (pass → fail 1, (no row) → skip 1); 1 message change(s) under the same status (--messages lists them); 3 repository(ies) with a report missing or unreadable.',
    );
    expect(run.stdout).toContain('Status changes by check: P2-INGRESS-DEFAULT 1, P3-IMAGE 1.');
  });

  it('lists rows whose message changed under the same status with --messages', async () => {
    const run = await compare(before, after, '--messages');
    expect(run.stdout).toMatch(
      /Message changed, same status: 1 row\(s\)\n +alice\+iot +P1-BOX +fail\n +before: box generic\/ubuntu2004 is end-of-life\n +after: +box generic\/ubuntu2004 \(Ubuntu 20\.04\) is end-of-life since 2025-05-31/,
    );
  });

  it('leaves out, with --common, the repositories one folder did not grade', async () => {
    const run = await compare(before, after, '--common');
    expect(run.stdout).not.toContain('carol+iot');
    expect(run.stdout).not.toContain('erin+iot');
    expect(run.stdout).toMatch(/dave\+iot +before: ok; +after: unreadable/);
    expect(run.stdout).toContain('1 repository(ies) with a report missing or unreadable.');
  });

  it('exits 1 with --strict when a status changed, and 0 when two folders agree', async () => {
    expect((await compare(before, after, '--strict')).code).toBe(1);
    const same = await compare(before, before, '--strict');
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('Status changed: 0 row(s)');
  });

  it('exits 1 with --strict when a report became unreadable, even with no status change', async () => {
    const dir = join(root, 'only-broken');
    await mkdir(dir);
    await writeFile(join(dir, 'dave+iot.json'), 'not json');
    const old = join(root, 'only-dave');
    await mkdir(old);
    await writeFile(join(old, 'dave+iot.json'), rows([['G-LAYOUT', 'pass', 'ok']]));
    const run = await compare(old, dir, '--strict');
    expect(run.stdout).toContain('Status changed: 0 row(s)');
    expect(run.code).toBe(1);
  });

  it('stops with a usage line on a missing folder or a wrong number of folders', async () => {
    const missing = await compare(before, join(root, 'nowhere'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere: no such folder');
    const one = await compare(before);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('expected two report folders, got 1');
  });

  it('shortens a message to the width, whitespace folded', () => {
    expect(shorten('a  b\n c', 20)).toBe('a b c');
    expect(shorten('x'.repeat(30), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
