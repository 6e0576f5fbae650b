// A part's shell scripts read without a grading context, for the live boot plan: the analysis the static
// checks make of a part no Vagrantfile provisions (Part 3, bonus; see scriptFacts in facts.ts): each
// script with the .env values and the part's files, placeholders resolved, functions run where called.
// One addition: the analysis does not follow `cd`, so a relative path that names no file of the part from
// the script's folder or the part's root is also looked up in the folders holding the part's scripts
// (`cd scripts && ./argocd.sh`), when exactly one of them has it.
import { posix } from 'node:path';
import { targetDotenv } from '../target/dotenv.ts';
import type { SubjectPart } from '../target/layout.ts';
import type { Target } from '../target/repository.ts';
import { analyzeScript } from './analyze.ts';
import { partFiles, shellFilesOf } from './files.ts';
import type { ScriptFacts } from './model.ts';
import type { PartFiles } from './walk.ts';

/** The part's files as a script names them, and, failing that, a relative path from a folder of the part's scripts. */
export function partFilesAfterCd(target: Target, part: SubjectPart, scriptFile: string): PartFiles {
  const files = partFiles(target, part, scriptFile);
  const folders = [...new Set(shellFilesOf(target, part).map((file) => posix.dirname(file.path)))];
  return {
    ...files,
    resolve(path: string): string | undefined {
      const found = files.resolve(path);
      if (found || !path || path.startsWith('/') || path.includes('$') || posix.normalize(path).startsWith('..')) return found;
      const matches = folders.map((folder) => posix.join(folder, path)).filter((candidate) => target.file(candidate)?.part === part);
      return matches.length === 1 ? matches[0] : undefined;
    },
  };
}

/** The facts of every readable shell script of the part, by path. */
export async function partScriptFacts(target: Target, part: SubjectPart): Promise<Map<string, ScriptFacts>> {
  const dotenv = targetDotenv(target, part);
  const out = new Map<string, ScriptFacts>();
  for (const file of shellFilesOf(target, part)) {
    if (file.problem || file.text === undefined) continue;
    out.set(file.path, await analyzeScript({ file: file.path, text: file.text, dotenv, files: partFilesAfterCd(target, part, file.path) }));
  }
  return out;
}

/** Shell text that is not a script of its own (a Makefile recipe), read as if it were the file `file` of the part. */
export function shellTextFacts(target: Target, part: SubjectPart, file: string, text: string): Promise<ScriptFacts> {
  return analyzeScript({ file, text, dotenv: targetDotenv(target, part), files: partFilesAfterCd(target, part, file) });
}
