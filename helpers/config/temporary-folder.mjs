// @ts-check
// The temporary folder every run uses (the grading's handoff folder, the compile cache, the kept facts, the sandbox
// copies): a TMPDIR that is not a folder this user can write in stops the run with one line, before anything uses it.
// Plain JavaScript: npm-test.mjs checks it before anything loads TypeScript.
import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * Why `folder` is not a folder this user can make files in ("does not exist", "is not a folder", "cannot be written in
 * (EACCES)"); undefined when it is.
 * @param {string} folder
 * @returns {string | undefined}
 */
export function writableFolderProblem(folder) {
  try {
    if (!statSync(folder).isDirectory()) return 'is not a folder';
    accessSync(folder, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    const code = /** @type {NodeJS.ErrnoException} */ (error).code;
    return code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be written in (${code})`;
  }
}

/**
 * Why this process's temporary folder (os.tmpdir(): TMPDIR, TMP or TEMP, else /tmp) cannot be used, in one line that
 * names it and the setting it comes from; undefined when it can.
 * @returns {string | undefined}
 */
function temporaryFolderProblem() {
  const folder = tmpdir();
  const why = writableFolderProblem(folder);
  if (!why) return undefined;
  const setting = ['TMPDIR', 'TMP', 'TEMP'].find((name) => process.env[name]);
  const named = setting ? `the temporary folder ${folder} (${setting})` : `the temporary folder ${folder}`;
  const fix = setting ? `set ${setting} to a folder you can write in, or unset it` : 'set TMPDIR to a folder you can write in';
  return `${named} ${why}: ${fix}`;
}

/** Stops this process (exit 2) with that line when the temporary folder cannot be used: npm test's and vitest's start. */
export function stopUnlessTemporaryFolderUsable() {
  const problem = temporaryFolderProblem();
  if (!problem) return;
  console.error(`iot: ${problem}`);
  process.exit(2);
}
