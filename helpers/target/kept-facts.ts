// Facts the grader computed from a file's text, kept on disk between runs: a student who grades again after
// changing one file waits only for what that file changes. An entry is keyed by everything that decides it
// (the kind of fact, the tool and its version, the text), so a changed text or tool is a miss; a kept fact
// decides a verdict, so the folder must be this user's own: created private, and not used when someone else
// owns it. A folder that refuses a read or a write is only a lost chance.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFolder } from '../config/make-folder.ts';

/** IOT_CACHE (the benchmarks point it at an empty folder), else a folder per user in the temporary folder. */
export const keptFactsDir = (): string => process.env.IOT_CACHE || join(tmpdir(), `iot-cache-${process.getuid?.() ?? 'user'}`);

function isOwnFolder(folder: string): boolean {
  const info = statSync(folder);
  return info.isDirectory() && (!process.getuid || info.uid === process.getuid());
}

export class KeptFacts {
  private readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** The facts of one kind (a subfolder of `root`); undefined when the folder cannot be made or is not this user's. */
  static open(kind: string, root = keptFactsDir()): KeptFacts | undefined {
    const dir = join(root, kind);
    try {
      // The root first: nothing is made inside a folder that is not this user's.
      for (const folder of [root, dir]) {
        makeFolder(folder, 0o700);
        if (!isOwnFolder(folder)) return undefined;
      }
    } catch {
      return undefined;
    }
    return new KeptFacts(dir);
  }

  /** The entry's file: a digest of the parts of its key, each one length-prefixed so that no two keys collide. */
  private file(key: readonly string[]): string {
    const hash = createHash('sha256');
    for (const part of key) hash.update(`${Buffer.byteLength(part)}:`).update(part);
    return join(this.dir, hash.digest('hex'));
  }

  read(key: readonly string[]): Buffer | undefined {
    try {
      return readFileSync(this.file(key));
    } catch {
      return undefined;
    }
  }

  /** Keeps the entry, written whole or not at all. */
  write(key: readonly string[], value: string | Uint8Array): void {
    const file = this.file(key);
    const partial = `${file}.${process.pid}.partial`;
    try {
      writeFileSync(partial, value, { mode: 0o600 });
      renameSync(partial, file);
    } catch {
      // Full disk, removed folder: the fact is computed again next time.
    }
  }
}
