// A Makefile as far as the grader needs it: its logical lines (continuations joined), its targets with their
// prerequisites and recipes, the default target (`make` with no argument) and its simple variables; and a
// target's recipe as the shell text make hands to the shell. Conditionals, includes and pattern rules are not
// evaluated. Read by the static checks (makefile-steps.ts) and by the live boot plan (helpers/cluster).

export interface MakefileLine {
  /** The logical line: a line ending in `\` continues on the next, CR removed. */
  text: string;
  /** 1-based line it starts on. */
  line: number;
}

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
  /** `NAME = value`, `NAME := value`, `NAME ?= value` (the first ?= kept, later = replacing), unexpanded. */
  variables: Map<string, string>;
}

const RULE = /^([^\s:#=][^:=#]*?)\s*::?(?!=)\s*([^;#]*)(?:;(.*))?$/;
const ASSIGNMENT = /^\s*(?:override\s+|export\s+)?([A-Za-z_][\w.-]*)\s*(:{1,3}=|\?=|\+=|!=|=)\s*(.*)$/;
const DIRECTIVE = /^\s*(ifn?eq|ifn?def|else|endif|include|-include|sinclude|export|unexport|define|endef|override|vpath)\b/;

export function makefileLines(text: string): MakefileLine[] {
  const out: MakefileLine[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    let joined = lines[index]!.replace(/\r$/, '');
    while (joined.endsWith('\\') && index + 1 < lines.length) joined = `${joined.slice(0, -1)} ${lines[++index]!.replace(/\r$/, '')}`;
    out.push({ text: joined, line });
  }
  return out;
}

export function parseMakefile(text: string): Makefile {
  const targets = new Map<string, MakeTarget>();
  const variables = new Map<string, string>();
  let defaultTarget: string | undefined;
  let current: MakeTarget[] = [];
  const repeated = new Set<MakeTarget>();
  for (const { text: line, line: number } of makefileLines(text)) {
    if (line.startsWith('\t')) {
      for (const target of current) {
        // A later rule with a recipe replaces the earlier recipe (make warns "overriding recipe").
        if (repeated.delete(target)) target.recipe = [];
        target.recipe.push(line.slice(1));
      }
      continue;
    }
    if (/^\s*(#|$)/.test(line)) continue;
    const assignment = ASSIGNMENT.exec(line);
    if (assignment) {
      current = [];
      const [, name, op, value] = assignment;
      const clean = value!.replace(/\s+#.*$/, '').trim();
      if (op === '?=' && variables.has(name!)) continue;
      variables.set(name!, op === '+=' && variables.has(name!) ? `${variables.get(name!)} ${clean}` : clean);
      continue;
    }
    const rule = RULE.exec(line);
    if (!rule || DIRECTIVE.test(line)) {
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
      const target: MakeTarget = { name, prerequisites: [...prerequisites], recipe: [], line: number };
      targets.set(name, target);
      return target;
    });
    if (rule[3]?.trim()) for (const target of current) target.recipe = [...(repeated.delete(target) ? [] : target.recipe), rule[3].trim()];
    if (!defaultTarget) defaultTarget = names.find((name) => !name.startsWith('.') && !name.includes('%'));
  }
  return { targets, defaultTarget, variables };
}

/** Recipe lines a target runs, its prerequisites' first (depth first, each target once), as make does. */
export function recipeOf(makefile: Makefile, name: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const target = makefile.targets.get(name);
  if (!target) return [];
  return [...target.prerequisites.flatMap((prerequisite) => recipeOf(makefile, prerequisite, seen)), ...target.recipe];
}

const MAX_EXPANSION = 8;

/** Make's expansion of a text: `$$` is `$`, `$(VAR)`/`${VAR}` its value, `$(shell CMD)` a command substitution, `$(MAKE)` make. */
function expandMake(text: string, variables: Map<string, string>, depth = 0): string {
  return text.replace(/\$\$|\$\(([^()]*)\)|\$\{([^{}]*)\}|\$([@<^*?])/g, (whole, paren?: string, brace?: string) => {
    if (whole === '$$') return '$';
    const inner = (paren ?? brace)?.trim();
    if (inner === undefined) return '';
    if (inner.startsWith('shell ')) return `$(${inner.slice('shell '.length)})`;
    if (inner === 'MAKE') return variables.get('MAKE') ?? 'make';
    const value = variables.get(inner);
    if (value !== undefined && depth < MAX_EXPANSION) return expandMake(value, variables, depth + 1);
    // Left to the shell as a variable it does not know, so it stays an unresolved placeholder.
    return /^[A-Za-z_]\w*$/.test(inner) ? `\${${inner}}` : '';
  });
}

/** The shell text make runs for a target (prerequisites first): no @/-/+ prefix, make's variables expanded. */
export function recipeAsShell(makefile: Makefile, target: string): string {
  return recipeOf(makefile, target)
    .map((line) => expandMake(line.replace(/^\s*[@+-]+/, ''), makefile.variables))
    .join('\n');
}
