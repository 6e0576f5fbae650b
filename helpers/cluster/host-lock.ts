// One live run at a time on this host, across terminals: a lock file naming the processes that hold it (the
// test process, then the detached teardown that may outlive it). A lock whose processes are all gone is stale
// and taken over.
import { openSync, closeSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../config/process-folders.mjs';

export interface LockHolder {
  pids: number[];
  part: string;
  started: string;
  cwd: string;
}

export const defaultLockPath = (): string => join(tmpdir(), `iot-live-${userInfo().uid}.lock`);

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return Array.isArray(parsed.pids) ? (parsed as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

export function describeHolder(holder: LockHolder): string {
  return `${holder.part} live checks, started ${holder.started} in ${holder.cwd} (pid ${holder.pids.join(', ')})`;
}

export class HostLock {
  readonly path: string;
  private holder: LockHolder;

  private constructor(path: string, holder: LockHolder) {
    this.path = path;
    this.holder = holder;
  }

  /** Takes the lock, or returns what holds it. */
  static acquire(part: string, path = defaultLockPath(), pid = process.pid): HostLock | { heldBy: LockHolder } {
    const holder: LockHolder = { pids: [pid], part, started: new Date().toISOString(), cwd: process.cwd() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o644);
        writeFileSync(fd, `${JSON.stringify(holder)}\n`);
        closeSync(fd);
        return new HostLock(path, holder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readHolder(path);
      if (current && current.pids.some(processAlive)) return { heldBy: current };
      try {
        unlinkSync(path);
      } catch {
        // another run removed the stale lock first: try again
      }
    }
    const current = readHolder(path);
    return { heldBy: current ?? { pids: [], part: 'unknown', started: 'unknown', cwd: 'unknown' } };
  }

  /** Another process shares the lock (the detached teardown): the lock holds while any of them lives. */
  addHolder(pid: number): void {
    this.holder = { ...this.holder, pids: [...new Set([...this.holder.pids, pid])] };
    const temporary = `${this.path}.${process.pid}`;
    writeFileSync(temporary, `${JSON.stringify(this.holder)}\n`);
    renameSync(temporary, this.path);
  }

  /** Removes the lock if it is still ours. */
  release(): void {
    releaseLock(this.path, this.holder.pids);
  }
}

/** Removes the lock file when it names one of these processes (used by the detached teardown too). */
export function releaseLock(path: string, pids: number[]): void {
  const current = readHolder(path);
  if (!current || !current.pids.some((pid) => pids.includes(pid))) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
