// Facts made by hand for the self-tests of the gitops checks: scripts written as command lines,
// objects written as YAML, and a grading context over a few named files.
import { GradingContext } from '../target/grading-context.ts';
import type { Location } from '../target/location.ts';
import { readConfig } from '../config/env.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { ScriptFacts, ShellCommand, Word } from '../shell/model.ts';
import { subjectLayout, type SubjectPart } from '../target/layout.ts';
import { Target } from '../target/repository.ts';
import type { GitopsSources, KustomizationInfo, SchemaProblem } from './sources.ts';
import { objectsOfText } from './yaml-objects.ts';

/** Splits a command line into words the way the shell would for simple quoting; $VAR / ${VAR} come from vars. */
export function words(line: string, vars: Record<string, string> = {}): Word[] {
  const out: Word[] = [];
  for (const match of line.matchAll(/(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'])+/g)) {
    const raw = match[0];
    const unresolved: string[] = [];
    let value = '';
    for (const segment of raw.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|([^"']+)/g)) {
      if (segment[2] !== undefined) {
        value += segment[2];
        continue;
      }
      value += (segment[1] ?? segment[3] ?? '').replace(
        /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
        (whole, braced?: string, bare?: string) => {
          const name = (braced ?? bare)!;
          if (name in vars) return vars[name]!;
          unresolved.push(whole);
          return whole;
        },
      );
    }
    out.push({ value, raw, unresolved });
  }
  return out;
}

export interface CommandOptions {
  heredoc?: string;
  writesTo?: string;
}

/** One script: each entry a command line ("a | b" makes b piped from a), numbered from line 1. */
export function script(file: string, lines: Array<string | [string, CommandOptions]>, vars: Record<string, string> = {}): ScriptFacts {
  const commands: ShellCommand[] = [];
  lines.forEach((entry, index) => {
    const [line, options] = typeof entry === 'string' ? [entry, {}] : entry;
    const location: Location = { file, line: index + 1 };
    let previous: ShellCommand | undefined;
    const stages = line.split(' | ');
    stages.forEach((stage, stageIndex) => {
      // A heredoc redirection (`<<EOF`) is not a word of the command, as the shell walker gives it.
      const command: ShellCommand = { env: {}, argv: words(stage.replace(/\s*<<-?\S+/, ''), vars), location };
      if (previous) command.pipedFrom = previous;
      if (stageIndex === 0 && options.heredoc !== undefined) command.heredoc = options.heredoc;
      if (stageIndex === stages.length - 1 && options.writesTo !== undefined) command.writesTo = options.writesTo;
      commands.push(command);
      previous = command;
    });
  });
  return { file, parsed: true, shell: 'bash', commands, k3sInstalls: [], toolInstalls: [], writtenFiles: [], calls: [] };
}

export const objects = (file: string, yaml: string): ManifestObject[] => objectsOfText(yaml, file);

export interface PartFacts {
  scripts?: ScriptFacts[];
  objects?: ManifestObject[];
  kustomizations?: KustomizationInfo[];
}

export interface FakeWorld {
  parts: Partial<Record<SubjectPart, PartFacts>>;
  logins?: string[];
  validate?: (object: ManifestObject) => SchemaProblem[];
}

export function fakeSources(world: FakeWorld): GitopsSources {
  return {
    scripts: async (_ctx, part) => world.parts[part]?.scripts ?? [],
    objects: async (_ctx, part) => world.parts[part]?.objects ?? [],
    kustomizations: async (_ctx, part) => world.parts[part]?.kustomizations ?? [],
    validate: (object) => world.validate?.(object) ?? [],
    logins: async () => ({ logins: world.logins ?? [], source: world.logins?.length ? 'the test' : 'no machine name gave one' }),
  };
}

/** A context whose target holds the files named (empty text), so hasPart() and hasFolder() answer. */
export function fakeContext(paths: string[]): GradingContext {
  const layout = subjectLayout();
  const parts = ['p1', 'p2', 'p3', 'bonus'] as const;
  const files = paths.map((path) => ({ path, size: 0, text: '', part: parts.find((part) => path.startsWith(`${part}/`)) }));
  return new GradingContext(readConfig({ IOT_REPO: '/' }), new Target('/nonexistent-target', layout, files));
}
