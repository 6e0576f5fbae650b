// Makes a folder and the parents it lacks, as `mkdir -p` does, one level at a time. Not Node's recursive mkdir: it
// loops for ever, at full processor, where a parent exists but cannot hold the child and says ENOENT for it (under
// /proc or /sys, as a mistyped IOT_CACHE or IOT_REPORTS_DIR may point; docs/upstream-behaviour.md).
import { lstatSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Makes `folder` and its missing parents; throws the error of the first level that cannot be made. */
export function makeFolder(folder: string, mode?: number): void {
  const missing: string[] = [];
  for (let level = resolve(folder); !lstatSync(level, { throwIfNoEntry: false }); level = dirname(level)) {
    missing.unshift(level);
    if (dirname(level) === level) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode });
    } catch (error) {
      // Made meanwhile by another process: as good.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
