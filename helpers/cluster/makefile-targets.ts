// A part's Makefile as far as booting needs it: its targets, their prerequisites and recipe lines, and the
// default target (`make` with no argument). Variables, conditionals and pattern rules are not evaluated.

export interface MakeTarget {
  name: string;
  prerequisites: string[];
  recipe: string[];
  /** 1-based line of the rule. */
  line: number;
}

export interface Makefile {
  targets: Map<string, MakeTarget>;
  /** The first target that is not special (.PHONY …) and not a pattern: what `make` runs. */
  defaultTarget?: string;
}

const RULE = /^([^\s:#=][^:=#]*?)\s*::?(?!=)\s*([^;#]*)(?:;(.*))?$/;

export function parseMakefile(text: string): Makefile {
  const targets = new Map<string, MakeTarget>();
  let defaultTarget: string | undefined;
  let current: MakeTarget[] = [];
  const repeated = new Set<MakeTarget>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!.replace(/\r$/, '');
    while (line.endsWith('\\') && index + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++index]!.replace(/\r$/, '')}`;
    if (line.startsWith('\t')) {
      for (const target of current) {
        // A later rule with a recipe replaces the earlier recipe (make warns "overriding recipe").
        if (repeated.delete(target)) target.recipe = [];
        target.recipe.push(line.slice(1));
      }
      continue;
    }
    if (/^\s*(#|$)/.test(line)) continue;
    const rule = RULE.exec(line);
    if (!rule || /^\s*(ifn?eq|ifn?def|else|endif|include|-include|export|define|endef)\b/.test(line)) {
      current = [];
      continue;
    }
    const names = rule[1]!.trim().split(/\s+/);
    const prerequisites = rule[2]!.trim().split(/\s+/).filter(Boolean);
    current = names.map((name) => {
      // A second rule for the same target adds prerequisites.
      const existing = targets.get(name);
      if (existing) {
        existing.prerequisites.push(...prerequisites);
        repeated.add(existing);
        return existing;
      }
      const target: MakeTarget = { name, prerequisites: [...prerequisites], recipe: [], line: index + 1 };
      targets.set(name, target);
      return target;
    });
    if (rule[3]?.trim()) for (const target of current) target.recipe = [...(repeated.delete(target) ? [] : target.recipe), rule[3].trim()];
    if (!defaultTarget) defaultTarget = names.find((name) => !name.startsWith('.') && !name.includes('%'));
  }
  return { targets, defaultTarget };
}

/** Recipe lines a target runs, its prerequisites' first (depth first, each target once), as make does. */
export function recipeOf(makefile: Makefile, name: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const target = makefile.targets.get(name);
  if (!target) return [];
  return [...target.prerequisites.flatMap((prerequisite) => recipeOf(makefile, prerequisite, seen)), ...target.recipe];
}
