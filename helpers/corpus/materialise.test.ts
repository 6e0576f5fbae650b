// helpers/corpus/materialise.sh on throw-away git mirrors: exports the listed commit (not the newest),
// leaves out a file the snapshot lacks, names missing mirrors and commits, and passes ShellCheck.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./materialise.sh', import.meta.url));
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

let root = '';
let listed = '';
let run: { code: number; stdout: string; stderr: string };

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], {
    encoding: 'utf8',
  }).trim();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'iot-corpus-materialise-'));
  const work = join(root, 'work');
  await mkdir(join(work, 'p1', 'scripts'), { recursive: true });
  git(root, 'init', '-q', work);
  await writeFile(join(work, 'p1', 'Vagrantfile'), 'Vagrant.configure("2") do |config| end\n');
  await writeFile(join(work, 'p1', 'scripts', 'server.sh'), '#!/bin/bash\necho server\n');
  await writeFile(join(work, 'big.deb'), 'pretend this is over 4 MiB\n');
  execFileSync('chmod', ['+x', join(work, 'p1', 'scripts', 'server.sh')]);
  execFileSync('ln', ['-s', 'scripts/server.sh', join(work, 'p1', 'link.sh')]);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'v1');
  listed = git(work, 'rev-parse', 'HEAD');
  await writeFile(join(work, 'p1', 'Vagrantfile'), 'changed later\n');
  git(work, 'commit', '-q', '-am', 'v2');

  // The fetch tool's layout: <mirrors>/<owner>+<name>/repo, a git directory without a work tree.
  const mirrors = join(root, 'mirrors');
  await mkdir(mirrors);
  git(root, 'clone', '-q', '--bare', work, join(mirrors, 'alice+iot', 'repo'));
  // A snapshot keeps no file of 4 MiB or more: drop that blob from the mirror.
  const blob = git(join(mirrors, 'alice+iot', 'repo'), 'rev-parse', `${listed}:big.deb`);
  await unlink(join(mirrors, 'alice+iot', 'repo', 'objects', blob.slice(0, 2), blob.slice(2)));
  git(root, 'clone', '-q', '--bare', work, join(mirrors, 'bob+iot', 'repo'));

  const list = join(root, 'repositories.txt');
  await writeFile(list, `# test list\n\nalice/iot ${listed}\nbob/iot ${'0'.repeat(40)}\ncarol/iot ${listed}\n`);
  const destination = join(root, 'corpus');
  await mkdir(join(destination, 'alice+iot'), { recursive: true });
  await writeFile(join(destination, 'alice+iot', 'stale.txt'), 'from an earlier export\n');

  run = await new Promise((done) =>
    execFile(
      SCRIPT,
      [mirrors, destination],
      { encoding: 'utf8', env: { ...process.env, IOT_CORPUS_LIST: list } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('corpus export', () => {
  it('exports the listed commit as a clone would check it out, replacing an earlier export', async () => {
    const checkout = join(root, 'corpus', 'alice+iot');
    expect(await readFile(join(checkout, 'p1', 'Vagrantfile'), 'utf8')).toBe('Vagrant.configure("2") do |config| end\n');
    expect(lstatSync(join(checkout, 'p1', 'scripts', 'server.sh')).mode & 0o111).not.toBe(0);
    expect(readlinkSync(join(checkout, 'p1', 'link.sh'))).toBe('scripts/server.sh');
    expect(existsSync(join(checkout, 'stale.txt'))).toBe(false);
  });

  it('leaves out a file whose content the mirror lacks, and says so', () => {
    expect(existsSync(join(root, 'corpus', 'alice+iot', 'big.deb'))).toBe(false);
    expect(run.stdout).toContain(`exported alice/iot ${listed}, without 1 file(s) the mirror lacks: big.deb`);
  });

  it('names a missing commit and a missing mirror, says how to bring them, and exits 1', () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('1 exported');
    expect(run.stdout).toContain(`bob/iot ${'0'.repeat(40)}: the mirror ${join(root, 'mirrors', 'bob+iot', 'repo')} has no such commit`);
    expect(run.stdout).toContain(`carol/iot ${listed}: no mirror at ${join(root, 'mirrors', 'carol+iot')}`);
    expect(run.stdout).toContain('git clone https://github.com/<owner>/<name>.git');
    expect(existsSync(join(root, 'corpus', 'carol+iot'))).toBe(false);
  });

  it('records what it exported in .materialised', async () => {
    const record = await readFile(join(root, 'corpus', '.materialised'), 'utf8');
    expect(record.split('\n').filter((line) => line && !line.startsWith('#'))).toEqual([
      `alice/iot ${listed} # 1 file(s) absent from the mirror: big.deb`,
    ]);
  });

  it.skipIf(!hasShellcheck)('passes ShellCheck', () => {
    const check = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    expect(check.stdout).toBe('');
    expect(check.status).toBe(0);
  });
});
