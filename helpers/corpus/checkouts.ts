// The checkouts of a corpus folder (helpers/corpus/materialise.sh): one folder per repository, <owner>+<name>.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Whether `path` is a folder, or a link to one; false for nothing there or a link to nothing. */
export const isFolder = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

/** The checkout folders of a corpus, hidden ones left out, in a stable order (case-insensitive, then exact). */
export function corpusCheckouts(corpus: string): string[] {
  return readdirSync(corpus)
    .filter((name) => !name.startsWith('.') && isFolder(join(corpus, name)))
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()) || a.localeCompare(b));
}
