// ShellCheck's outcomes kept on disk between runs: a student who grades again after changing one script
// waits for that script only (ShellCheck takes ~0.2 s of processor per 200 lines). An outcome is keyed by
// the shellcheck binary (where PATH finds it, its size and modification time), its arguments and the
// script's text, so a new ShellCheck or a changed script is a miss. Only finished outcomes are kept.
// An outcome read back decides G-SHELLCHECK, so the folder must be this user's own: created private,
// and not used when someone else owns it.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ShellcheckFinding } from './shellcheck.ts';

/**
 * Where the outcomes are kept: IOT_SHELLCHECK_CACHE (a folder; the benchmarks point it at an empty one), else,
 * as Node keeps its compile cache, a folder in the system's temporary folder, one per user (a shared /tmp).
 */
export const shellcheckCacheDir = (): string =>
  process.env.IOT_SHELLCHECK_CACHE || join(tmpdir(), `iot-shellcheck-cache-${process.getuid?.() ?? 'user'}`);

/** The shellcheck binary PATH finds, as a string that changes when the binary does; undefined when there is none. */
export function shellcheckIdentity(path = process.env.PATH ?? ''): string | undefined {
  const names = process.platform === 'win32' ? ['shellcheck.exe', 'shellcheck'] : ['shellcheck'];
  for (const dir of path.split(delimiter)) {
    for (const name of dir ? names : []) {
      try {
        const binary = realpathSync(join(dir, name));
        const stats = statSync(binary);
        if (stats.isFile()) return `${binary}:${stats.size}:${stats.mtimeMs}`;
      } catch {
        // Not in this folder.
      }
    }
  }
  return undefined;
}

const isFinding = (value: unknown): value is ShellcheckFinding => {
  const finding = value as Partial<ShellcheckFinding> | null;
  return typeof finding?.line === 'number' && typeof finding.code === 'number' && typeof finding.message === 'string';
};

export class ShellcheckCache {
  private readonly dir: string;
  private readonly binary: string;

  private constructor(dir: string, binary: string) {
    this.dir = dir;
    this.binary = binary;
  }

  /** The cache in `dir` for the shellcheck PATH finds; undefined when there is no shellcheck or the folder is not this user's. */
  static open(dir = shellcheckCacheDir(), path = process.env.PATH): ShellcheckCache | undefined {
    const binary = shellcheckIdentity(path);
    if (!binary) return undefined;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const folder = statSync(dir);
      if (!folder.isDirectory() || (process.getuid && folder.uid !== process.getuid())) return undefined;
    } catch {
      return undefined;
    }
    return new ShellcheckCache(dir, binary);
  }

  private file(args: readonly string[], text: string): string {
    const key = createHash('sha256')
      .update(JSON.stringify([this.binary, args]))
      .update('\0')
      .update(text)
      .digest('hex');
    return join(this.dir, `${key}.json`);
  }

  /** The findings kept for these arguments and text, if any (an unreadable or malformed entry is a miss). */
  read(args: readonly string[], text: string): ShellcheckFinding[] | undefined {
    try {
      const findings: unknown = JSON.parse(readFileSync(this.file(args, text), 'utf8'));
      return Array.isArray(findings) && findings.every(isFinding) ? findings : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps the findings (written whole or not at all); a folder that refuses is only a lost chance. */
  write(args: readonly string[], text: string, findings: readonly ShellcheckFinding[]): void {
    const file = this.file(args, text);
    const partial = `${file}.${process.pid}.partial`;
    try {
      writeFileSync(partial, JSON.stringify(findings), { mode: 0o600 });
      renameSync(partial, file);
    } catch {
      // Full disk, removed folder: the next run asks shellcheck again.
    }
  }
}
