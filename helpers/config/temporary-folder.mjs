// @ts-check
// The temporary folder every run uses (the grading's handoff folder, the compile cache, the kept facts, the sandbox
// copies): a TMPDIR that is not a folder this user can write in stops the run with one line, before anything uses it.
// Plain JavaScript: npm-test.mjs checks it before anything loads TypeScript.
import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * Why this process's temporary folder (os.tmpdir(): TMPDIR, TMP or TEMP, else /tmp) cannot be used, in one line that
 * names it and the setting it comes from; undefined when it can.
 * @returns {string | undefined}
 */
function temporaryFolderProblem() {
  const folder = tmpdir();
  const setting = ['TMPDIR', 'TMP', 'TEMP'].find((name) => process.env[name]);
  const named = setting ? `the temporary folder ${folder} (${setting})` : `the temporary folder ${folder}`;
  const fix = setting ? `set ${setting} to a folder you can write in, or unset it` : 'set TMPDIR to a folder you can write in';
  try {
    if (!statSync(folder).isDirectory()) return `${named} is not a folder: ${fix}`;
    accessSync(folder, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    const code = /** @type {NodeJS.ErrnoException} */ (error).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be written in (${code})`;
    return `${named} ${why}: ${fix}`;
  }
}

/** Stops this process (exit 2) with that line when the temporary folder cannot be used: npm test's and vitest's start. */
export function stopUnlessTemporaryFolderUsable() {
  const problem = temporaryFolderProblem();
  if (!problem) return;
  console.error(`iot: ${problem}`);
  process.exit(2);
}
