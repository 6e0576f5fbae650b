// @ts-check
// Folders a process makes for itself in a shared place (the temporary folder, /dev/shm), named after this machine and
// the process: one killed before removing its folder (Ctrl-C) leaves it to a later process of the same machine,
// which removes the folders of processes that no longer run. The machine's name keeps a container that shares the
// folder with its host from taking a process it cannot see for one that ended. Plain JavaScript: npm-test.mjs uses
// it before anything loads TypeScript.
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * A text as 8 hex digits (FNV-1a, 32 bits): enough to tell a container from its host. Not node:crypto, whose loading
 * (~10 ms) delayed the grading: npm-test.mjs makes its folder before it grades.
 * @param {string} text
 */
function shortHash(text) {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

const MACHINE = shortHash(hostname());

/** @param {string} kind */
const machinePrefix = (kind) => `iot-${kind}-${MACHINE}-`;

/**
 * The start of the name of a folder of `kind` made by process `pid` on this machine.
 * @param {string} kind
 * @param {number} pid
 */
export const processFolderPrefix = (kind, pid) => `${machinePrefix(kind)}${pid}-`;

/**
 * A new, private folder of `kind` in `parent`, named after this machine and process.
 * @param {string} parent
 * @param {string} kind
 */
export const makeProcessFolder = (parent, kind) => mkdtempSync(join(parent, processFolderPrefix(kind, process.pid)));

/**
 * True while the process exists (EPERM: it exists, owned by another user).
 * @param {number} pid
 */
export function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * Removes the folders of `kind` in `parent` that this user's processes on this machine made and left behind.
 * @param {string} parent
 * @param {string} kind
 */
export function removeFoldersOfEndedProcesses(parent, kind) {
  const ofThisMachine = new RegExp(`^${machinePrefix(kind)}(\\d+)-`);
  let names;
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(ofThisMachine.exec(name)?.[1]);
    if (!pid || processAlive(pid)) continue;
    const folder = join(parent, name);
    try {
      const info = lstatSync(folder);
      if (info.isDirectory() && (!process.getuid || info.uid === process.getuid())) rmSync(folder, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}
