// `kubectl apply|create|replace -f/-k …` commands of a part's scripts, with the namespace each
// applies into: its -n flag, or the default a `kubectl config set-context --namespace` set before.
import type { ScriptFacts, ShellCommand, Word } from '../shell/model.ts';
import { flag, parseTool } from './argv.ts';
import { fieldOfWord, type Field } from './field.ts';

export interface KubectlApply {
  verb: string;
  /** -f / --filename values ('-' for stdin). */
  files: Word[];
  /** -k / --kustomize values. */
  kustomizations: Word[];
  /** Where the objects without a namespace land; undefined means the context's default namespace. */
  namespace?: Field;
  command: ShellCommand;
  script: ScriptFacts;
}

const APPLY_VERBS = new Set(['apply', 'create', 'replace']);

export function kubectlApplies(scripts: readonly ScriptFacts[]): KubectlApply[] {
  const applies: KubectlApply[] = [];
  for (const script of scripts) {
    let contextNamespace: Field | undefined;
    for (const command of script.commands) {
      const args = parseTool(command, 'kubectl');
      if (!args) continue;
      const [verb, sub] = args.positionals.map((word) => word.value);
      const namespace = flag(args, '--namespace');
      if (verb === 'config' && sub === 'set-context' && namespace) {
        contextNamespace = fieldOfWord(namespace, command.location);
        continue;
      }
      if (!verb || !APPLY_VERBS.has(verb)) continue;
      const files = args.flags.get('--filename') ?? [];
      const kustomizations = args.flags.get('--kustomize') ?? [];
      if (!files.length && !kustomizations.length) continue;
      applies.push({
        verb,
        files,
        kustomizations,
        namespace: namespace ? fieldOfWord(namespace, command.location) : contextNamespace,
        command,
        script,
      });
    }
  }
  return applies;
}

const segments = (path: string): string[] =>
  path
    .replace(/\/+$/, '')
    .split('/')
    .filter((part) => part && part !== '.');

/**
 * The apply that sends a file of the part to the cluster, matched by name: `-f …/install.yaml`
 * names the file, `-f …/argocd/` or `-R -f …/confs` a folder holding it. Scripts run from
 * folders the grader cannot know (/vagrant, $(dirname "$0")/..), so the last path segment of
 * the argument is what is compared.
 */
export function applyOf(file: string, applies: readonly KubectlApply[], kind: 'file' | 'kustomization' = 'file'): KubectlApply | undefined {
  const own = segments(file);
  const name = own.at(-1);
  const folders = own.slice(0, -1);
  return applies.find((apply) =>
    (kind === 'file' ? apply.files : apply.kustomizations).some((word) => {
      const last = segments(word.value).at(-1);
      if (last === undefined) return false;
      return kind === 'file' ? last === name || folders.includes(last) : last === folders.at(-1);
    }),
  );
}
