// The sandbox's filesystem: a temporary copy of the target's readable text files, built from
// the Target's contents (never from the disk, so no symbolic link is followed). Writes made by
// the Vagrantfile land in this copy and vanish with it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeProblem, type TargetFile } from '../target/repository.ts';

export interface SandboxFiles {
  /** The host folder that holds the copy; preopened as the sandbox root. */
  dir: string;
  /** Relative path → why the grader could not read that file. */
  problems: Record<string, string>;
  dispose(): Promise<void>;
}

const WRITE_BATCH = 64;

/** True for a relative posix path that stays inside its root. */
const isSafePath = (path: string): boolean =>
  path.length > 0 &&
  !path.startsWith('/') &&
  !path.includes('\0') &&
  path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');

export async function materializeFiles(files: readonly TargetFile[]): Promise<SandboxFiles> {
  const base = await mkdtemp(join(tmpdir(), 'iot-vagrant-'));
  const dir = join(base, 'repo');
  const dispose = (): Promise<void> => rm(base, { recursive: true, force: true });
  try {
    await mkdir(dir);
    const problems: Record<string, string> = {};
    const readable: TargetFile[] = [];
    for (const file of files) {
      if (!isSafePath(file.path)) continue;
      if (file.text !== undefined && !file.problem) readable.push(file);
      else if (file.problem) problems[file.path] = describeProblem(file);
    }
    const folders = new Set(readable.map((file) => dirname(file.path)).filter((folder) => folder !== '.'));
    for (const folder of [...folders].sort()) await mkdir(join(dir, folder), { recursive: true });
    for (let i = 0; i < readable.length; i += WRITE_BATCH) {
      await Promise.all(readable.slice(i, i + WRITE_BATCH).map((file) => writeFile(join(dir, file.path), file.text!)));
    }
    return { dir, problems, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
