// The target's own .env (or .env.example), at its root or at a part's root: the last source
// of placeholder values (see "The target" in CHECKS.md).
import { parse } from 'dotenv';
import type { Target } from './repository.ts';
import type { SubjectPart } from './layout.ts';

/** Values from the part's roots first, then the target root; .env wins over .env.example. */
export function targetDotenv(target: Target, part: SubjectPart): Record<string, string> {
  const folders = [...target.layout.parts[part].roots, ''];
  const values: Record<string, string> = {};
  for (const folder of folders.reverse()) {
    for (const name of ['.env.example', '.env']) {
      const file = target.file(folder ? `${folder}/${name}` : name);
      if (file?.text !== undefined) Object.assign(values, parse(file.text));
    }
  }
  return values;
}
