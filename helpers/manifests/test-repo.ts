// Self-test support: a throwaway target repository built from a map of files.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GradingContext } from '../target/grading-context.ts';
import { readConfig } from '../config/env.ts';
import { openTarget } from '../target/repository.ts';

const made: string[] = [];

export interface RepoOptions {
  /** path → where the link points (absolute, or relative to the link). */
  symlinks?: Record<string, string>;
}

/** Writes the files into a new folder and opens it as the target of a grading context. */
export async function contextWith(files: Record<string, string | Buffer>, options: RepoOptions = {}): Promise<GradingContext> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-manifests-'));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  for (const [path, pointsTo] of Object.entries(options.symlinks ?? {})) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    symlinkSync(pointsTo, join(dir, path));
  }
  return new GradingContext(readConfig({ IOT_REPO: dir }), await openTarget(dir));
}

export function removeRepos(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
