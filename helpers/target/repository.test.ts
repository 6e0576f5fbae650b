import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { describeProblem, MAX_FILE_BYTES, openTarget, TargetError } from './repository.ts';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function repo(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'iot-repo-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('reading the target', () => {
  test('files are read as text, assigned to their part, .git skipped', async () => {
    const dir = repo({
      'p1/Vagrantfile': 'Vagrant.configure("2") {}',
      'p3/confs/app.yaml': 'a: 1',
      '.git/config': '[core]',
      'README.md': '#',
    });
    const target = await openTarget(dir);
    expect(target.files.map((file) => [file.path, file.part])).toEqual([
      ['README.md', undefined],
      ['p1/Vagrantfile', 'p1'],
      ['p3/confs/app.yaml', 'p3'],
    ]);
    expect(target.file('p1/Vagrantfile')?.text).toContain('Vagrant.configure');
    expect(target.hasPart('p1') && target.hasPart('p3') && !target.hasPart('p2')).toBe(true);
    expect(target.hasFolder('p3/confs')).toBe(true);
  });

  test('a part holding only .gitkeep is absent', async () => {
    const target = await openTarget(repo({ 'p2/.gitkeep': '', 'p2/confs/.gitkeep': '' }));
    expect(target.hasPart('p2')).toBe(false);
  });

  test('a symlink out of the repository is never followed', async () => {
    const dir = repo({ 'p1/Vagrantfile': 'x' });
    symlinkSync('/etc/passwd', join(dir, 'p1/scripts.sh'));
    symlinkSync('Vagrantfile', join(dir, 'p1/Link'));
    symlinkSync('/nonexistent/file', join(dir, 'p1/broken.sh'));
    const target = await openTarget(dir);
    const outside = target.file('p1/scripts.sh')!;
    expect(outside.text).toBeUndefined();
    expect(describeProblem(outside)).toBe(
      'p1/scripts.sh is a symbolic link to /etc/passwd, outside the repository; commit the file itself',
    );
    expect(target.file('p1/Link')?.text).toBe('x');
    expect(describeProblem(target.file('p1/broken.sh')!)).toContain('which does not exist');
  });

  test('a loop of symbolic links is named as a loop, not as a missing file', async () => {
    const dir = repo({ 'p2/Vagrantfile': 'x' });
    symlinkSync('loop-b.yaml', join(dir, 'p2/loop-a.yaml'));
    symlinkSync('loop-a.yaml', join(dir, 'p2/loop-b.yaml'));
    const target = await openTarget(dir);
    expect(describeProblem(target.file('p2/loop-a.yaml')!)).toBe(
      'p2/loop-a.yaml is a symbolic link to loop-b.yaml, which leads back to itself through symbolic links (a loop); commit the file itself',
    );
  });

  test('binary and huge files are named, not read', async () => {
    const dir = repo({
      'p2/confs/app.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]),
      'p2/confs/big.yaml': 'a: 1\n'.repeat(MAX_FILE_BYTES / 4),
    });
    const target = await openTarget(dir);
    expect(describeProblem(target.file('p2/confs/app.yaml')!)).toBe(
      'p2/confs/app.yaml is a binary file, not text; commit it as plain UTF-8 text',
    );
    expect(describeProblem(target.file('p2/confs/big.yaml')!)).toMatch(
      /^p2\/confs\/big\.yaml is 5120 KiB, over the 4096 KiB the grader reads/,
    );
  });

  test('a named pipe is skipped instead of blocking the grader', async () => {
    const dir = repo({ 'p1/Vagrantfile': 'x' });
    execFileSync('mkfifo', [join(dir, 'p1/pipe.sh')]);
    const target = await openTarget(dir);
    expect(target.file('p1/pipe.sh')).toBeUndefined();
  });

  // In a child process with a time limit: a grader that opens a named pipe to read it waits forever, unseen by
  // vitest's timeouts.
  function openInChild(dir: string, report: string): string {
    const probe = `import { openTarget, describeProblem } from ${JSON.stringify(join(PROJECT_ROOT, 'helpers/target/repository.ts'))};
      try { const t = await openTarget(${JSON.stringify(dir)}); console.log(${report}); } catch (error) { console.log(error.constructor.name + ': ' + error.message); }`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 10_000 });
    expect(run.signal, `the grader still waited on the pipe after 10 s:\n${run.stderr}`).toBeNull();
    expect(run.stderr).toBe('');
    return run.stdout.trim();
  }

  test('a link to a named pipe is named, not read', () => {
    const dir = repo({ 'p1/Vagrantfile': 'x' });
    execFileSync('mkfifo', [join(dir, 'p1/pipe')]);
    symlinkSync('pipe', join(dir, 'p1/setup.sh'));
    expect(openInChild(dir, "describeProblem(t.file('p1/setup.sh'))")).toBe(
      'p1/setup.sh is not a regular file but a named pipe; commit the file itself',
    );
  });

  test('a layout map that is a named pipe is named, not read', () => {
    const piped = repo({ 'p1/Vagrantfile': 'x' });
    execFileSync('mkfifo', [join(piped, '.iot-layout.yaml')]);
    expect(openInChild(piped, 't.layout.source')).toBe(
      'LayoutMapError: .iot-layout.yaml: not a regular file but a named pipe; commit the file itself, or delete it to use the subject layout',
    );
  });

  test('a layout map linked from outside the repository is not followed', () => {
    const outside = repo({ 'p1/Vagrantfile': 'x' });
    const elsewhere = repo({ 'layout.yaml': 'parts: {}\n' });
    symlinkSync(join(elsewhere, 'layout.yaml'), join(outside, '.iot-layout.yaml'));
    expect(openInChild(outside, 't.layout.source')).toBe(
      `LayoutMapError: .iot-layout.yaml: a symbolic link to ${join(elsewhere, 'layout.yaml')}, outside the repository; commit the file itself`,
    );
  });

  test('a file whose name is not UTF-8 is named, with the fix', async () => {
    const dir = repo({ 'p1/Vagrantfile': 'x' });
    // "café.sh" written in Latin-1, as an old editor or archive may leave it.
    writeFileSync(Buffer.concat([Buffer.from(join(dir, 'p1/caf')), Buffer.from([0xe9]), Buffer.from('.sh')]), 'echo\n');
    const target = await openTarget(dir);
    expect(target.files.map((file) => (file.problem ? describeProblem(file) : file.path))).toEqual([
      'p1/Vagrantfile',
      'p1/caf\uFFFD.sh has a name that is not UTF-8 text (shown here with \uFFFD), so the grader cannot open it; rename it with plain ASCII or UTF-8 characters',
    ]);
  });

  test('a missing checkout is one clear error', async () => {
    await expect(openTarget('/nonexistent/iot')).rejects.toThrow(
      new TargetError('IOT_REPO=/nonexistent/iot: no such directory; point IOT_REPO at the checkout to grade'),
    );
  });

  // Root reads any file whatever its mode, so the unreadable case runs as an unprivileged user.
  test('an unreadable file is named with the fix', async () => {
    const dir = repo({ 'p1/Vagrantfile': 'x', 'p1/scripts/secret.sh': 'echo' });
    chmodSync(join(dir, 'p1/scripts/secret.sh'), 0o000);
    chmodSync(dir, 0o755);
    const probe = `import { openTarget, describeProblem } from ${JSON.stringify(join(PROJECT_ROOT, 'helpers/target/repository.ts'))};
      const t = await openTarget(${JSON.stringify(dir)}); console.log(describeProblem(t.file('p1/scripts/secret.sh')));`;
    const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const run = spawnSync(
      asNobody[0] ?? process.execPath,
      [...asNobody.slice(1), ...(asNobody.length ? [process.execPath] : []), '--input-type=module', '-e', probe],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('p1/scripts/secret.sh cannot be read (EACCES); make it readable (chmod a+r)');
  });
});
