// One script's facts: its syntax verdict (sh-syntax), then, when bash accepts it, the walk of its
// syntax tree with placeholders resolved, and the K3s and tool installs found in it.
import { Scope, type Binding } from './expand.ts';
import { k3sInstallsOf } from './k3s.ts';
import type { ScriptFacts, Word } from './model.ts';
import { loadBashGrammar } from './grammar.ts';
import { officialInstaller } from './installers.ts';
import { checkSyntax } from './syntax.ts';
import { parseScript } from './syntax-tree.ts';
import { toolInstallsOf } from './tools.ts';
import { Walker, type PartFiles } from './walk.ts';

export interface ScriptSource {
  /** Where the script is, relative to the target root (the Vagrantfile for an inline provisioner). */
  file: string;
  text: string;
  /** Set for an inline provisioner: every command is located at this line of the Vagrantfile. */
  inlineLine?: number;
  /** The `env:` of the Vagrant provisioner that runs it (or what a calling script exports). */
  env?: Record<string, string>;
  /** `$1`, `$2` … from the provisioner's `args:` or the calling command; undefined when unknown. */
  args?: Array<string | Word>;
  /** Variables a calling script passes on (exported ones, or all of them for `source`). */
  inherited?: Record<string, string>;
  dotenv: Record<string, string>;
  files: PartFiles;
}

const SHEBANG = /^#!\s*(\S+)(?:[ \t]+(\S+))?/;

/** The interpreter a shebang names: `#!/bin/sh` → sh, `#!/usr/bin/env bash` → bash; bash when none. */
export function shebangShell(text: string): string {
  const match = SHEBANG.exec(text);
  if (!match) return 'bash';
  const program = match[1]!.split('/').pop()!;
  if (program === 'env') return (match[2] ?? 'bash').split('/').pop()!;
  return program;
}

/** Facts with nothing found yet: the start of every script's analysis. */
export function emptyFacts(file: string, shell: string, resolvedWith: NonNullable<ScriptFacts['resolvedWith']>): ScriptFacts {
  return {
    file,
    parsed: false,
    shell,
    commands: [],
    k3sInstalls: [],
    toolInstalls: [],
    writtenFiles: [],
    calls: [],
    callSites: [],
    downloads: [],
    resolvedWith,
  };
}

export async function analyzeScript(source: ScriptSource): Promise<ScriptFacts> {
  const args = source.args?.map(
    (arg): Binding => (typeof arg === 'string' ? { value: arg, unresolved: [] } : { value: arg.value, unresolved: arg.unresolved }),
  );
  const facts = emptyFacts(source.file, shebangShell(source.text), {
    env: source.env ?? {},
    ...(source.args ? { args: args!.map((arg) => arg.value) } : {}),
    dotenv: source.dotenv,
  });
  if (source.inlineLine !== undefined) facts.inline = true;
  const [verdict] = await Promise.all([serialized(() => checkSyntax(source.text)), loadBashGrammar()]);
  if (!verdict.ok) {
    facts.parseError =
      source.inlineLine !== undefined
        ? { kind: verdict.kind, message: `${verdict.message} (line ${verdict.line ?? '?'} of the inline script)`, line: source.inlineLine }
        : { kind: verdict.kind, message: verdict.message, line: verdict.line };
    return facts;
  }
  const tree = parseScript(source.text, 1, verdict.statementLines);
  if (!tree.stmts.length && tree.incomplete) {
    const where = source.inlineLine !== undefined ? `the inline provisioner at ${source.file}:${source.inlineLine}` : source.file;
    facts.problem = { kind: 'not-analysed', message: `${where} could not be analysed: ${tree.incomplete}; split it into smaller scripts` };
    return facts;
  }
  facts.parsed = true;
  const scope = new Scope({
    provisionerEnv: source.env,
    dotenv: source.dotenv,
    args,
    scriptPath: source.file,
    inherited: source.inherited,
  });
  const installer = source.inlineLine === undefined ? officialInstaller(tree.stmts, source.text) : undefined;
  if (installer) {
    const env = Object.fromEntries(
      Object.entries(scope.exportedBindings()).map(([name, binding]): [string, Word] => [
        name,
        { value: binding.value, raw: `$${name}`, unresolved: binding.unresolved },
      ]),
    );
    const words = (source.args ?? []).map((arg): Word => (typeof arg === 'string' ? { value: arg, raw: arg, unresolved: [] } : arg));
    facts.installer = { ...installer, args: words, env, location: { file: source.file } };
    facts.k3sInstalls = k3sInstallsOf(facts, [], source.files);
    facts.toolInstalls = toolInstallsOf(facts, facts.k3sInstalls);
    return facts;
  }
  const inlineLine = source.inlineLine;
  const walker = new Walker({ file: source.file, files: source.files, lineOf: inlineLine === undefined ? undefined : () => inlineLine });
  const result = walker.run(tree.stmts, scope);
  facts.commands = result.commands;
  facts.writtenFiles = result.writtenFiles;
  facts.downloads = result.downloads;
  facts.callSites = result.callSites;
  facts.calls = [...new Set(result.callSites.map((call) => call.path))];
  facts.k3sInstalls = k3sInstallsOf(facts, facts.writtenFiles, source.files);
  facts.toolInstalls = toolInstallsOf(facts, facts.k3sInstalls);
  return facts;
}

/** sh-syntax starts a Go runtime per call: one at a time keeps memory flat. */
let queue: Promise<unknown> = Promise.resolve();
function serialized<T>(task: () => Promise<T>): Promise<T> {
  const next = queue.then(task, task);
  queue = next.catch(() => undefined);
  return next;
}
