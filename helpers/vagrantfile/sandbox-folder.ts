// Where each Ruby sandbox keeps its copy of the repository (sandbox-files.ts): in memory when the system
// offers a memory filesystem with room to spare (Linux's /dev/shm, a tmpfs), else in the system's
// temporary folder. A copy lives for the second a Vagrantfile takes. On a disk it costs: on this project's
// development machine (ext4 mounted with `discard`), writing this repository's 536 files took ~150 ms
// per Vagrantfile and removing them ~50 ms, against ~15 ms and ~10 ms in /dev/shm.
// A copy's folder is named after its machine and process (helpers/config/process-folders.mjs): the next grading
// on the same machine removes the copies of processes killed before removing theirs (Ctrl-C).
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { makeProcessFolder, processFolderPrefix, removeFoldersOfEndedProcesses } from '../config/process-folders.mjs';
import { writableFolderProblem } from '../config/temporary-folder.mjs';

export const MEMORY_FOLDER = '/dev/shm';
/** Free space a memory folder must have: a container's default /dev/shm (64 MB) is left to shared memory. */
export const MEMORY_ROOM_BYTES = 256 * 1024 * 1024;
/** The kind of process folder a copy is (process-folders.mjs): one name for making, naming and sweeping them. */
const COPY_FOLDER = 'vagrant';

/** How the copies of a process of this machine are named. */
export const copyPrefix = (pid: number): string => processFolderPrefix(COPY_FOLDER, pid);

/** `candidate` when it is a folder this process may write in with `room` bytes free, else the temporary folder. */
export function sandboxParentFolder(candidate = MEMORY_FOLDER, room = MEMORY_ROOM_BYTES): string {
  if (writableFolderProblem(candidate)) return tmpdir();
  try {
    const space = statfsSync(candidate);
    return space.bavail * space.bsize >= room ? candidate : tmpdir();
  } catch {
    return tmpdir();
  }
}

/** Removes the copies in `parent` that belong to this user and to a process that no longer runs. */
export const removeLeftoverCopies = (parent: string): void => removeFoldersOfEndedProcesses(parent, COPY_FOLDER);

let chosen: string | undefined;

/** The folder of this process's sandbox copies: chosen, and cleared of leftovers, once. */
export function sandboxParent(): string {
  if (chosen === undefined) {
    chosen = sandboxParentFolder();
    removeLeftoverCopies(chosen);
  }
  return chosen;
}

/** A new, private folder for one sandbox's copy, named after this machine and process. */
export const makeSandboxFolder = (parent: string): string => makeProcessFolder(parent, COPY_FOLDER);
