// Reading the argv of kubectl, helm and argocd commands: which tool runs (through sudo, env,
// `k3s kubectl` …), its positional arguments and its flags, as the tool's own parser would.
import { unwrapArgv } from '../shell/invocation.ts';
import type { ShellCommand, Word } from '../shell/model.ts';

export interface ParsedArgs {
  /** The tool, by its base name ('kubectl', 'helm', 'argocd' …), after wrappers are removed. */
  tool: string;
  positionals: Word[];
  /** Every occurrence of each flag, by its long name when an alias is known ('-n' → '--namespace'). */
  flags: Map<string, Word[]>;
}

export interface FlagSpec {
  /** Flags that take a value (long and short names); every other flag is a switch. */
  valued: ReadonlySet<string>;
  /** Short name → long name. */
  aliases: Readonly<Record<string, string>>;
}

const baseName = (value: string): string => value.slice(value.lastIndexOf('/') + 1);

/** The words that actually run after sudo/env/timeout wrappers and `k3s kubectl`; [] for `command -v x`. */
export function unwrap(argv: readonly Word[]): Word[] {
  const { argv: words } = unwrapArgv(argv);
  const head = words[0] ? baseName(words[0].value) : '';
  return (head === 'k3s' || head === 'microk8s') && words[1]?.value === 'kubectl' ? words.slice(1) : words;
}

/** A word holding part of another (the value after `--flag=`). */
function tail(word: Word, from: number): Word {
  const cut = word.raw.indexOf('=');
  const value = word.value.slice(from);
  return { value, raw: cut >= 0 ? word.raw.slice(cut + 1) : word.raw, unresolved: word.unresolved.filter((name) => value.includes(name)) };
}

/** Parses argv[1..] of a tool: `--flag value`, `--flag=value`, `-nvalue`, `--` ends the flags. */
export function parseArgs(argv: readonly Word[], spec: FlagSpec): ParsedArgs {
  const words = unwrap(argv);
  const parsed: ParsedArgs = { tool: words[0] ? baseName(words[0].value) : '', positionals: [], flags: new Map() };
  const add = (name: string, value: Word): void => {
    const long = spec.aliases[name] ?? name;
    parsed.flags.set(long, [...(parsed.flags.get(long) ?? []), value]);
  };
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const text = word.value;
    if (text === '--') {
      parsed.positionals.push(...words.slice(i + 1));
      break;
    }
    if (!text.startsWith('-') || text === '-') {
      parsed.positionals.push(word);
      continue;
    }
    const eq = text.indexOf('=');
    if (text.startsWith('--') && eq > 0) {
      add(text.slice(0, eq), tail(word, eq + 1));
    } else if (spec.valued.has(text)) {
      const value = words[i + 1];
      if (value) add(text, value);
      i++;
    } else if (!text.startsWith('--') && text.length > 2 && spec.valued.has(text.slice(0, 2))) {
      add(text.slice(0, 2), tail(word, text[2] === '=' ? 3 : 2));
    } else {
      add(text, { value: 'true', raw: 'true', unresolved: [] });
    }
  }
  return parsed;
}

/** The last value of a flag, if given. */
export const flag = (args: ParsedArgs, name: string): Word | undefined => args.flags.get(name)?.at(-1);

/** A switch is on when given without a value or with a true value (`--wait`, `--self-heal=true`). */
export function switchOn(args: ParsedArgs, name: string): boolean {
  const value = flag(args, name)?.value;
  return value !== undefined && !['false', '0', 'no'].includes(value.toLowerCase());
}

export const KUBECTL: FlagSpec = {
  valued: new Set([
    '-n',
    '--namespace',
    '-f',
    '--filename',
    '-k',
    '--kustomize',
    '-o',
    '--output',
    '-l',
    '--selector',
    '-p',
    '--patch',
    '--type',
    '--context',
    '--kubeconfig',
    '--cluster',
    '--user',
    '-s',
    '--server',
    '--timeout',
    '--for',
    '--field-manager',
    '--image',
    '--port',
    '--replicas',
    '--target-port',
    '--name',
    '--from-literal',
    '--from-file',
    '--patch-file',
    '-c',
    '--container',
    '--token',
    '--as',
    '--as-group',
    '--request-timeout',
    '--cascade',
    '--grace-period',
    '--template',
    '--overrides',
  ]),
  aliases: {
    '-n': '--namespace',
    '-f': '--filename',
    '-k': '--kustomize',
    '-o': '--output',
    '-l': '--selector',
    '-p': '--patch',
    '-s': '--server',
    '-c': '--container',
  },
};

export const HELM: FlagSpec = {
  valued: new Set([
    '-n',
    '--namespace',
    '--version',
    '-f',
    '--values',
    '--set',
    '--set-string',
    '--set-file',
    '--set-json',
    '--set-literal',
    '--repo',
    '--kube-context',
    '--kubeconfig',
    '--timeout',
    '--post-renderer',
    '--post-renderer-args',
    '--description',
    '--name-template',
    '--username',
    '--password',
    '--ca-file',
    '--cert-file',
    '--key-file',
    '--keyring',
    '--history-max',
    '--labels',
    '-l',
    '-o',
    '--output',
    '--kube-apiserver',
    '--kube-as-user',
    '--kube-as-group',
    '--kube-token',
    '--kube-ca-file',
    '--registry-config',
    '--repository-cache',
    '--repository-config',
    '--burst-limit',
    '--qps',
    '--kube-tls-server-name',
    '--max-history',
  ]),
  aliases: { '-n': '--namespace', '-f': '--values', '-l': '--labels', '-o': '--output', '-i': '--install', '-g': '--generate-name' },
};

/** argocd flags are mostly valued; these are its switches. */
const ARGOCD_SWITCHES = new Set([
  '--self-heal',
  '--auto-prune',
  '--allow-empty',
  '--upsert',
  '--validate',
  '--directory-recurse',
  '--set-finalizer',
  '--helm-skip-crds',
  '--helm-skip-tests',
  '--helm-skip-schema-validation',
  '--helm-pass-credentials',
  '--ignore-missing-value-files',
  '--sync-retry-refresh',
  '--insecure',
  '--grpc-web',
  '--plaintext',
  '--core',
  '--port-forward',
  '--skip-test-tls',
  '--http-retry-max-disabled',
  '--redis-compress',
  '--kustomize-force-common-label',
  '--kustomize-force-common-annotation',
  '--kustomize-label-without-selector',
  '--kustomize-label-include-templates',
  '--ref',
  '--hydrate',
  '--dry-run',
  '--async',
  '--prune',
  '--replace',
  '--server-side',
  '--force',
  '--preview-changes',
  '--local-include',
]);

/** A FlagSpec for argocd: every long flag takes a value unless it is a known switch. */
export function argocdSpec(words: readonly Word[]): FlagSpec {
  const valued = new Set<string>(['-p', '--parameter', '-f', '--file', '-l', '--label', '-N', '--app-namespace', '-o', '--output']);
  for (const word of words)
    if (word.value.startsWith('--') && !word.value.includes('=') && !ARGOCD_SWITCHES.has(word.value)) valued.add(word.value);
  return { valued, aliases: { '-p': '--parameter', '-f': '--file', '-l': '--label', '-N': '--app-namespace', '-o': '--output' } };
}

/** Parses a command of `tool` (kubectl, helm, argocd) or returns undefined when it runs something else. */
export function parseTool(command: ShellCommand, tool: 'kubectl' | 'helm' | 'argocd'): ParsedArgs | undefined {
  const words = unwrap(command.argv);
  if (!words[0] || baseName(words[0].value) !== tool) return undefined;
  const spec = tool === 'kubectl' ? KUBECTL : tool === 'helm' ? HELM : argocdSpec(words);
  return parseArgs(words, spec);
}

/** Placeholders a value still holds (`$X`, `${X}`), from the word when the shell module listed them. */
export function placeholdersIn(value: string, listed: readonly string[] = []): string[] {
  if (listed.length) return [...listed];
  return value.match(/\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:-][^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\([^)]*\)?/g) ?? [];
}
