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
