// Which files of the target git would commit: tracked ones and untracked ones it does not ignore.
// Used by checks about what is committed (a local .vagrant/ that .gitignore hides is not committed).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The set of committable paths, or undefined when the target is not a git checkout (or git is
 * unavailable): then every file on disk counts. The target's own git config cannot run anything
 * here: ls-files runs no hook, and fsmonitor is forced off.
 */
export function committableFiles(root: string): Promise<Set<string> | undefined> {
  if (!existsSync(join(root, '.git'))) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(
      'git',
      [
        '-c',
        'core.fsmonitor=false',
        '-c',
        `safe.directory=${root}`,
        '-C',
        root,
        'ls-files',
        '-z',
        '--cached',
        '--others',
        '--exclude-standard',
      ],
      { maxBuffer: 64 * 1024 * 1024, timeout: 20_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout) => resolve(error ? undefined : new Set(stdout.split('\0').filter(Boolean))),
    );
  });
}
