// npm run corpus:grade against a stand-in grader whose `vitest` answers per repository: a report, no
// report, a garbled report, or no answer at all. The corpus grading must record each and go on.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorpusIndex } from './index-file.ts';

const GRADE = fileURLToPath(new URL('./grade.ts', import.meta.url));

// What `npx vitest run static` runs in the stand-in grader: it reports the settings it was given.
const FAKE_VITEST = `#!/bin/sh
name=$(basename "$IOT_REPO")
case "$name" in
  *+good)
    printf '[{"id":"G-LAYOUT","status":"pass","message":"args=[%s] login=[%s] setup=[%s] date=%s reports=%s kept-facts=%s"},{"id":"P1-NAMES","status":"fail","message":"x"}]' \\
      "$*" "\${IOT_LOGIN-unset}" "\${IOT_P3_SETUP-unset}" "$IOT_DATE" "$IOT_REPORTS_DIR" "\${IOT_CACHE-unset}" >"$IOT_REPORT"
    exit 1 ;;
  *+silent) echo "iot: something went wrong" >&2; exit 2 ;;
  *+garbled) printf '{not json' >"$IOT_REPORT"; exit 0 ;;
  *+stuck) sleep 60 ;;
esac
`;

let root = '';
let grader = '';
let corpus = '';
let out = '';
let run: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'iot-corpus-grade-'));
  grader = join(root, 'grader');
  corpus = join(root, 'corpus');
  out = join(root, 'out');
  await mkdir(join(grader, 'node_modules', '.bin'), { recursive: true });
  await writeFile(join(grader, 'package.json'), '{"name": "stand-in-grader", "private": true}\n');
  await writeFile(join(grader, 'node_modules', '.bin', 'vitest'), FAKE_VITEST);
  await chmod(join(grader, 'node_modules', '.bin', 'vitest'), 0o755);
  // A grader's .env fills whatever the environment leaves unset: the corpus run must not inherit its login.
  await writeFile(join(grader, '.env'), 'IOT_LOGIN=alice\nIOT_P3_SETUP=p3/scripts/nowhere.sh\n');
  for (const name of ['team+good', 'team+silent', 'team+garbled', 'team+stuck', '.staging-team+good'])
    await mkdir(join(corpus, name), { recursive: true });
  await writeFile(join(corpus, 'notes.txt'), 'not a checkout\n');
  await writeFile(join(corpus, '.materialised'), `# exported\nteam/good ${'a'.repeat(40)}\n`);
  // A stale report from an earlier grading must not pass for this one's.
  await mkdir(out);
  await writeFile(join(out, 'team+silent.json'), '[{"id": "G-LAYOUT", "status": "pass", "message": "stale"}]');

  run = await new Promise((done) => {
    const env = { ...process.env, IOT_LOGIN: 'bob', IOT_LIVE: '1', IOT_CACHE: join(root, 'kept-facts') };
    execFile(
      process.execPath,
      ['--no-warnings', GRADE, '--grader', grader, '--corpus', corpus, '--out', out, '--date', '2026-01-31', '--timeout', '2'],
      { encoding: 'utf8', env },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}, 60_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const index = async (): Promise<CorpusIndex> => JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));

describe('corpus grading', () => {
  it('grades every checkout in order, hidden folders and files left out, and finishes', async () => {
    expect(run.code).toBe(0);
    const { repositories, complete, date } = await index();
    expect(repositories.map((entry) => entry.name)).toEqual(['team+garbled', 'team+good', 'team+silent', 'team+stuck']);
    expect(complete).toBe(true);
    expect(date).toBe('2026-01-31');
  });

  it('prints one line per repository: counts and exit status, or why there is no report', () => {
    const lines = run.stdout.split('\n');
    expect(lines.find((line) => line.includes(' team+good '))).toMatch(/\[2\/4\] team\+good +pass +1 +fail +1 +skip +0 +exit 1 +\d/);
    expect(lines.find((line) => line.includes(' team+silent '))).toMatch(/MISSING: no report at .*team\+silent\.json .*exit 2/);
    expect(lines.find((line) => line.includes(' team+garbled '))).toMatch(/UNREADABLE: .*team\+garbled\.json: it is not JSON.*exit 0/);
    expect(lines.find((line) => line.includes(' team+stuck '))).toMatch(/TIMEOUT: stopped after 2 s .*killed/);
    expect(run.stdout).toContain('3 without a readable report: team+garbled (unreadable), team+silent (missing), team+stuck (timeout)');
  });

  it('runs `vitest run static` with the corpus settings, without the caller’s or the grader’s IOT_* values but the kept-facts folder', async () => {
    const rows = JSON.parse(await readFile(join(out, 'team+good.json'), 'utf8'));
    const message: string = rows[0].message;
    expect(message).toContain('args=[run static]');
    expect(message).toContain('login=[]');
    expect(message).toContain('setup=[]');
    expect(message).toContain('date=2026-01-31');
    // Where facts are kept between runs changes no verdict: the caller's folder is used.
    expect(message).toContain(`kept-facts=${join(root, 'kept-facts')}`);
    const reportsDir = /reports=(\S+)/.exec(message)?.[1] ?? '';
    expect(reportsDir.startsWith(tmpdir())).toBe(true);
    expect(existsSync(reportsDir)).toBe(false);
  });

  it('records each repository in index.json: counts, state, exit status, commit and log', async () => {
    const { repositories, checks, grader: graderInfo } = await index();
    const byName = Object.fromEntries(repositories.map((entry) => [entry.name, entry]));
    expect(byName['team+good']).toMatchObject({
      state: 'ok',
      exitStatus: 1,
      counts: { pass: 1, fail: 1, skip: 0 },
      commit: 'a'.repeat(40),
    });
    expect(byName['team+silent']).toMatchObject({ state: 'missing', exitStatus: 2, commit: null });
    expect(byName['team+garbled']).toMatchObject({ state: 'unreadable', exitStatus: 0 });
    expect(byName['team+stuck']).toMatchObject({ state: 'timeout', exitStatus: null, detail: 'stopped after 2 s' });
    expect(existsSync(join(out, 'team+silent.json'))).toBe(false);
    expect(await readFile(join(out, byName['team+silent'].log), 'utf8')).toContain('iot: something went wrong');
    expect(checks).toEqual({ 'G-LAYOUT': { pass: 1, fail: 0, skip: 0 }, 'P1-NAMES': { pass: 0, fail: 1, skip: 0 } });
    expect(graderInfo.dir).toBe(grader);
  });

  it('refuses a grader whose dependencies are not installed, naming what to do', async () => {
    const bare = join(root, 'bare');
    await mkdir(bare);
    await writeFile(join(bare, 'package.json'), '{}');
    const refused = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(
        process.execPath,
        ['--no-warnings', GRADE, '--grader', bare, '--corpus', corpus, '--out', join(root, 'o2')],
        (error, _o, stderr) => done({ code: error ? Number(error.code) : 0, stderr }),
      ),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('its dependencies are not installed; run npm ci there first');
  });
});
