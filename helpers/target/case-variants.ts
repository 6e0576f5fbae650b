// Case variants of an expected path: G-LAYOUT and the shell reader name them in a hint.
import type { Target } from './repository.ts';

/**
 * Paths in the target that differ from an expected folder or file only by case (`P1/` for `p1/`,
 * `p1/vagrantfile`): names are case-sensitive on the evaluation machine, so those do not count.
 */
export function caseVariantsOf(target: Target, path: string, folder: boolean): string[] {
  const depth = path.split('/').length;
  const variants = new Set<string>();
  for (const file of target.files) {
    const prefix = file.path.split('/').slice(0, depth).join('/');
    if (folder !== prefix.length < file.path.length) continue;
    if (prefix !== path && prefix.toLowerCase() === path.toLowerCase()) variants.add(prefix);
  }
  return [...variants].sort();
}
