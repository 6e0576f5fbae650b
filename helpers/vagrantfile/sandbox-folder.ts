// Where each Ruby sandbox keeps its copy of the repository (sandbox-files.ts): in memory when the system
// offers a memory filesystem with room to spare (Linux's /dev/shm, a tmpfs), else in the system's
// temporary folder. A copy lives for the second a Vagrantfile takes. On a disk it costs: on this project's
// development machine (ext4 mounted with `discard`), writing this repository's 536 files took ~150 ms
// per Vagrantfile and removing them ~50 ms, against ~15 ms and ~10 ms in /dev/shm.
import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';

export const MEMORY_FOLDER = '/dev/shm';
/** Free space a memory folder must have: a container's default /dev/shm (64 MB) is left to shared memory. */
export const MEMORY_ROOM_BYTES = 256 * 1024 * 1024;

/** `candidate` when it is a folder this process may write in with `room` bytes free, else the temporary folder. */
export function sandboxParentFolder(candidate = MEMORY_FOLDER, room = MEMORY_ROOM_BYTES): string {
  try {
    if (!statSync(candidate).isDirectory()) return tmpdir();
    accessSync(candidate, constants.W_OK | constants.X_OK);
    const space = statfsSync(candidate);
    return space.bavail * space.bsize >= room ? candidate : tmpdir();
  } catch {
    return tmpdir();
  }
}

let chosen: string | undefined;

/** The folder of this process's sandbox copies, chosen once. */
export const sandboxParent = (): string => (chosen ??= sandboxParentFolder());
