// Where the sandboxes' copies of the repository go: a memory folder with room, else the temporary folder;
// and every sandbox puts its copy in the folder chosen.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';

const chosenForTest = mkdtempSync(join(tmpdir(), 'iot-sandbox-parent-test-'));

vi.mock('./sandbox-folder.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./sandbox-folder.ts')>()),
  sandboxParent: () => chosenForTest,
}));

const { copyPrefix, removeLeftoverCopies, sandboxParentFolder } = await import('./sandbox-folder.ts');
const { prewarmSandbox, releaseSandbox, runInSandbox } = await import('./ruby-sandbox.ts');

afterAll(() => rmSync(chosenForTest, { recursive: true, force: true }));

describe('the folder of the copies', () => {
  test('is the memory folder when it is a writable folder with room', () => {
    expect(sandboxParentFolder(chosenForTest, 1)).toBe(chosenForTest);
  });

  test('is the temporary folder when the memory folder has too little room', () => {
    expect(sandboxParentFolder(chosenForTest, Number.MAX_SAFE_INTEGER)).toBe(tmpdir());
  });

  test('is the temporary folder when there is no memory folder, or it is a file', () => {
    expect(sandboxParentFolder(join(chosenForTest, 'nowhere'), 1)).toBe(tmpdir());
    const file = join(chosenForTest, 'a-file');
    writeFileSync(file, '');
    expect(sandboxParentFolder(file, 1)).toBe(tmpdir());
    rmSync(file);
  });
});

test('a sandbox keeps its copy in the folder chosen, and releasing it removes the copy', { timeout: 60_000 }, async () => {
  prewarmSandbox(1);
  await vi.waitFor(() => expect(readdirSync(chosenForTest).filter((name) => name.startsWith('iot-vagrant-'))).toHaveLength(1), {
    timeout: 30_000,
  });
  await releaseSandbox();
  expect(readdirSync(chosenForTest).filter((name) => name.startsWith('iot-vagrant-'))).toEqual([]);
});

test('a copy that cannot be written is the grading machine’s problem, named with its folder, not a Vagrantfile’s', {
  timeout: 60_000,
}, async () => {
  // `a` is both a file and a folder: the second write fails, as on a full disk.
  const files = [
    { path: 'a/b', size: 1, text: 'x' },
    { path: 'a', size: 1, text: 'y' },
    { path: 'Vagrantfile', size: 1, text: 'Vagrant.configure("2") { |c| }\n' },
  ];
  const outcome = await runInSandbox({ files, vagrantfile: 'Vagrantfile' });
  expect(outcome).toMatchObject({ kind: 'uncopied' });
  expect(outcome.kind === 'uncopied' && outcome.reason).toMatch(
    new RegExp(`^the repository could not be copied into ${chosenForTest}/${copyPrefix(process.pid)}\\w+/repo: E`),
  );
});

describe('copies left behind', () => {
  test('the copies of a process of this machine that no longer runs are removed; others, and other files, are not', () => {
    const parent = mkdtempSync(join(chosenForTest, 'leftovers-'));
    const ended = spawnSync(process.execPath, ['-e', '0']).pid!;
    const endedCopy = `${copyPrefix(ended)}aaaaaa`;
    const runningCopy = `${copyPrefix(process.pid)}bbbbbb`;
    // A container sharing the folder names its copies after another machine: its processes are not seen here.
    const otherMachineCopy = `iot-vagrant-01234567-${ended}-cccccc`;
    const kept = [runningCopy, otherMachineCopy, `iot-vagrant-dddddd`, 'other', `${copyPrefix(ended)}file`];
    for (const name of [endedCopy, ...kept.slice(0, 4)]) mkdirSync(join(parent, name));
    writeFileSync(join(parent, kept[4]!), '');
    removeLeftoverCopies(parent);
    expect(readdirSync(parent).sort()).toEqual(kept.sort());
  });

  test('a process that exits without releasing its sandbox (watch mode’s service) removes its copies', { timeout: 60_000 }, () => {
    const sandbox = JSON.stringify(new URL('./ruby-sandbox.ts', import.meta.url).href);
    const folder = JSON.stringify(new URL('./sandbox-folder.ts', import.meta.url).href);
    const script = `import { readdirSync } from 'node:fs';
import { prewarmSandbox } from ${sandbox};
import { copyPrefix, sandboxParent } from ${folder};
prewarmSandbox(1);
const mine = () => readdirSync(sandboxParent()).filter((name) => name.startsWith(copyPrefix(process.pid)));
while (mine().length === 0) await new Promise((done) => setTimeout(done, 20));
console.log(sandboxParent());
process.exit(0);`;
    const child = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.status).toBe(0);
    const parent = child.stdout.trim();
    expect(readdirSync(parent).filter((name) => name.startsWith(copyPrefix(child.pid)))).toEqual([]);
  });
});
