import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { processAlive } from '../config/process-folders.mjs';
import { HostLock, releaseLock } from './host-lock.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iot-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());

describe('one live run per host', () => {
  test('a second run is told who holds the host; after release the host is free again', () => {
    const path = join(dir, 'a.lock');
    const first = HostLock.acquire('p3', path);
    expect(first).toBeInstanceOf(HostLock);
    const second = HostLock.acquire('p1', path);
    expect(second).toEqual({ heldBy: expect.objectContaining({ part: 'p3', pids: [process.pid], cwd: process.cwd() }) });
    (first as HostLock).release();
    const third = HostLock.acquire('p1', path);
    expect(third).toBeInstanceOf(HostLock);
    (third as HostLock).release();
  });

  test('a lock whose processes are all gone (a run killed with SIGKILL) is stale and taken over', async () => {
    const path = join(dir, 'stale.lock');
    const dead = deadPid();
    expect(processAlive(dead)).toBe(false);
    await writeFile(path, JSON.stringify({ pids: [dead], part: 'p2', started: 'yesterday', cwd: '/somewhere' }));
    const lock = HostLock.acquire('p1', path);
    expect(lock).toBeInstanceOf(HostLock);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ part: 'p1', pids: [process.pid] });
    (lock as HostLock).release();
  });

  test('the detached teardown shares the lock: it holds while that process lives, even when the test process is gone', () => {
    const path = join(dir, 'shared.lock');
    const worker = deadPid();
    const lock = HostLock.acquire('p3', path, worker) as HostLock;
    lock.addHolder(process.pid); // this process plays the detached teardown
    expect(HostLock.acquire('p1', path)).toEqual({ heldBy: expect.objectContaining({ pids: [worker, process.pid] }) });
    releaseLock(path, [process.pid]); // what the detached teardown does when it is done
    const next = HostLock.acquire('p1', path);
    expect(next).toBeInstanceOf(HostLock);
    (next as HostLock).release();
  });
});
