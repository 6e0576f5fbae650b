// ShellCheck's outcomes kept on disk between runs (helpers/target/kept-facts.ts): a student who grades again
// after changing one script waits for that script only (ShellCheck takes ~0.2 s of processor per 200 lines).
// An outcome is keyed by the shellcheck binary (where PATH finds it, its size and modification time), its
// arguments and the script's text, so a new ShellCheck or a changed script is a miss. Only finished outcomes
// are kept.
import { realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KeptFacts } from '../target/kept-facts.ts';
import type { ShellcheckFinding } from './shellcheck.ts';

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
  private readonly kept: KeptFacts;
  private readonly binary: string;

  private constructor(kept: KeptFacts, binary: string) {
    this.kept = kept;
    this.binary = binary;
  }

  /** The outcomes kept under `root` for the shellcheck PATH finds; undefined when there is no shellcheck or no folder of this user's. */
  static open(root?: string, path = process.env.PATH): ShellcheckCache | undefined {
    const binary = shellcheckIdentity(path);
    const kept = binary ? KeptFacts.open('shellcheck', root) : undefined;
    return kept && binary ? new ShellcheckCache(kept, binary) : undefined;
  }

  private key(args: readonly string[], text: string): string[] {
    return [this.binary, JSON.stringify(args), text];
  }

  /** The findings kept for these arguments and text, if any (an unreadable or malformed entry is a miss). */
  read(args: readonly string[], text: string): ShellcheckFinding[] | undefined {
    try {
      const findings: unknown = JSON.parse(this.kept.read(this.key(args, text))?.toString('utf8') ?? 'null');
      return Array.isArray(findings) && findings.every(isFinding) ? findings : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps the findings. */
  write(args: readonly string[], text: string, findings: readonly ShellcheckFinding[]): void {
    this.kept.write(this.key(args, text), JSON.stringify(findings));
  }
}
