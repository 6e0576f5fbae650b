// Steps a part runs only from a Makefile recipe. The static checks read shell scripts, not
// Makefiles ("the part's scripts" in CHECKS.md), so such a step does not count; but a failure that
// says "no `k3d cluster create`" while the part's Makefile has one misleads the student. This finds
// the recipe line, so the failure can point at it and say what to move where.
import { posix } from 'node:path';
import type { Location } from '../target/location.ts';
import type { SubjectPart } from '../target/layout.ts';
import type { Target } from '../target/repository.ts';
import { makefileLines } from './makefile.ts';

const MAKEFILE = /^(GNUmakefile|[Mm]akefile|.+\.mk)$/;

/** The first recipe line (not a comment) of a Makefile of `part` that matches `pattern`. */
export function makefileStep(target: Target, part: SubjectPart, pattern: RegExp): Location | undefined {
  for (const file of target.filesOf(part)) {
    if (file.text === undefined || !MAKEFILE.test(posix.basename(file.path))) continue;
    for (const { text, line } of makefileLines(file.text)) {
      if (/^\s*#/.test(text) || !pattern.test(text.replace(/\s#.*$/, ''))) continue;
      return { file: file.path, line };
    }
  }
  return undefined;
}

/** A sentence to append to a failure when the missing step sits in a Makefile recipe, or ''. Patterns are tried in order (the most precise first). */
export function makefileStepNote(
  target: Target,
  part: SubjectPart,
  patterns: RegExp | readonly RegExp[],
  step: string,
  scriptsFolder: string,
): string {
  const found = (Array.isArray(patterns) ? patterns : [patterns])
    .map((pattern: RegExp) => makefileStep(target, part, pattern))
    .find(Boolean);
  if (!found) return '';
  return ` (${found.file}:${found.line} runs ${step}, but a Makefile recipe is not a shell script and is not graded: move the step into a script in ${scriptsFolder}/, which the Makefile may call)`;
}
