// Argo CD Applications of a part: Application manifests and `argocd app create` commands, with
// what later commands change (`argocd app set`, `kubectl patch application`), read into one shape.
import type { Location } from '../target/location.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { ScriptFacts, ShellCommand } from '../shell/model.ts';
import { flag, parseTool, placeholdersIn, switchOn, type ParsedArgs } from './argv.ts';
import { dig, fieldOf, fieldOfWord, isRecord, type Field } from './field.ts';

export interface AppSource {
  repoURL?: Field;
  path?: Field;
  chart?: Field;
  targetRevision?: Field;
  /** A manifest source's `helm:` (parameters, values, valuesObject), as plain data. */
  helm?: Record<string, unknown>;
}

/** Automated sync as Argo CD reads it. */
export interface AutoSync {
  /** false when `enabled: false` or when `automated:` is written empty (null). */
  on: boolean;
  prune: boolean;
  selfHeal: boolean;
  /** Why it is off, when it is. */
  offBecause?: string;
}

export interface ArgoApplication {
  name?: string;
  via: 'manifest' | 'argocd app create';
  location: Location;
  /** The manifest, when it is one. */
  object?: ManifestObject;
  sources: AppSource[];
  destination: { server?: Field; name?: Field; namespace?: Field };
  /** syncPolicy as plain data, after later changes: { automated?, syncOptions? }. */
  syncPolicy: Record<string, unknown>;
  /** Where syncPolicy is written (the manifest's field, or the command). */
  syncPolicyLocation: Location;
  /** Commands that changed the sync policy after creation. */
  amendedBy: Location[];
  /** `--sync-policy` values argocd refuses (or that hold a placeholder), in the order written. */
  rejectedPolicies: RejectedPolicy[];
}

/** A `--sync-policy` value the grader cannot count: argocd refuses it, or a placeholder hides it. */
export interface RejectedPolicy {
  value: string;
  unresolved: string[];
  /** The command that gives it (argocd app create or set). */
  location: Location;
  verb: 'create' | 'set';
}

export function autoSync(app: ArgoApplication): AutoSync | undefined {
  if (!('automated' in app.syncPolicy)) {
    const rejected = app.rejectedPolicies.at(-1);
    return rejected ? { on: false, prune: false, selfHeal: false, offBecause: rejectedBecause(rejected) } : undefined;
  }
  const automated = app.syncPolicy.automated;
  if (automated === null || automated === undefined)
    return {
      on: false,
      prune: false,
      selfHeal: false,
      offBecause: 'syncPolicy.automated is written empty (null), which Argo CD reads as no automated sync',
    };
  if (!isRecord(automated)) return { on: false, prune: false, selfHeal: false, offBecause: 'syncPolicy.automated is not a mapping' };
  const on = automated.enabled !== false;
  return {
    on,
    prune: automated.prune === true,
    selfHeal: automated.selfHeal === true,
    offBecause: on ? undefined : 'syncPolicy.automated.enabled is false',
  };
}

export function syncOptions(app: ArgoApplication): string[] {
  const options = app.syncPolicy.syncOptions;
  return Array.isArray(options) ? options.filter((option): option is string => typeof option === 'string') : [];
}

export function applicationsOf(scripts: readonly ScriptFacts[], objects: readonly ManifestObject[]): ArgoApplication[] {
  const apps: ArgoApplication[] = [];
  for (const object of objects) if (isApplication(object)) apps.push(fromManifest(object));
  const commands = scripts.flatMap((script) => script.commands);
  for (const command of commands) {
    const args = parseTool(command, 'argocd');
    const [noun, verb] = args?.positionals.map((word) => word.value) ?? [];
    if (args && (noun === 'app' || noun === 'application' || noun === 'apps') && verb === 'create' && !flag(args, '--file'))
      apps.push(fromCreate(args, command));
  }
  for (const command of commands) amend(apps, command);
  return apps;
}

export const isApplication = (object: ManifestObject): boolean =>
  object.kind === 'Application' && object.apiVersion.startsWith('argoproj.io/');

function fromManifest(object: ManifestObject): ArgoApplication {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const sourceAt = (path: Array<string | number>): AppSource => {
    const helm = dig(object.body, ...path, 'helm');
    return {
      repoURL: fieldOf(object, [...path, 'repoURL']),
      path: fieldOf(object, [...path, 'path']),
      chart: fieldOf(object, [...path, 'chart']),
      targetRevision: fieldOf(object, [...path, 'targetRevision']),
      ...(isRecord(helm) ? { helm } : {}),
    };
  };
  const sources: AppSource[] = [];
  if (isRecord(spec.source)) sources.push(sourceAt(['spec', 'source']));
  if (Array.isArray(spec.sources)) spec.sources.forEach((_, index) => sources.push(sourceAt(['spec', 'sources', index])));
  const syncPolicy = isRecord(spec.syncPolicy) ? structuredClone(spec.syncPolicy) : {};
  return {
    name: object.name,
    via: 'manifest',
    location: object.location,
    object,
    sources,
    destination: {
      server: fieldOf(object, ['spec', 'destination', 'server']),
      name: fieldOf(object, ['spec', 'destination', 'name']),
      namespace: fieldOf(object, ['spec', 'destination', 'namespace']),
    },
    syncPolicy,
    syncPolicyLocation: { file: object.location.file, line: object.lineOf(['spec', 'syncPolicy']) ?? object.location.line },
    amendedBy: [],
    rejectedPolicies: [],
  };
}

// argocd's own values, compared as written (cmd/util/app.go, SetAppSpecOptions, case "sync-policy"):
// "auto" and "automatic" are aliases of "automated"; "manual" (newer releases) of "none". Anything
// else stops the command with "Invalid sync-policy".
const AUTOMATED_POLICIES = new Set(['automated', 'automatic', 'auto']);
const MANUAL_POLICIES = new Set(['none', 'manual']);

function rejectedBecause(rejected: RejectedPolicy): string {
  const at = `${rejected.location.file}:${rejected.location.line ?? '?'}`;
  if (rejected.unresolved.length) return `the --sync-policy value at ${at} holds ${rejected.unresolved.join(', ')}, which nothing resolves`;
  return `\`--sync-policy ${rejected.value}\` (${at}) is not a value argocd accepts (automated, auto, automatic or none, written in lower case): \`argocd app ${rejected.verb}\` stops with "Invalid sync-policy: ${rejected.value}"${rejected.verb === 'create' ? ', so the Application is not created' : ''}`;
}

function fromCreate(args: ParsedArgs, command: ShellCommand): ArgoApplication {
  const location = command.location;
  const field = (name: string): Field | undefined => {
    const word = flag(args, name);
    return word ? fieldOfWord(word, location) : undefined;
  };
  const app: ArgoApplication = {
    name: args.positionals[2]?.value ?? flag(args, '--name')?.value,
    via: 'argocd app create',
    location,
    sources: [{ repoURL: field('--repo'), path: field('--path'), chart: field('--helm-chart'), targetRevision: field('--revision') }],
    destination: { server: field('--dest-server'), name: field('--dest-name'), namespace: field('--dest-namespace') },
    syncPolicy: {},
    syncPolicyLocation: location,
    amendedBy: [],
    rejectedPolicies: [],
  };
  applyPolicyFlags(app, args, command, 'create');
  return app;
}

/** --sync-policy, --self-heal, --auto-prune, --sync-option as `argocd app create|set` apply them. */
function applyPolicyFlags(app: ArgoApplication, args: ParsedArgs, command: ShellCommand, verb: RejectedPolicy['verb']): boolean {
  let changed = false;
  const policy = flag(args, '--sync-policy');
  if (policy !== undefined) {
    changed = true;
    const unresolved = placeholdersIn(policy.value, policy.unresolved);
    if (!unresolved.length && AUTOMATED_POLICIES.has(policy.value))
      app.syncPolicy.automated = isRecord(app.syncPolicy.automated) ? app.syncPolicy.automated : {};
    else if (!unresolved.length && MANUAL_POLICIES.has(policy.value)) delete app.syncPolicy.automated;
    // The other flags are still read: one root cause (this value) makes one failure (P3-AUTOSYNC).
    else app.rejectedPolicies.push({ value: policy.value, unresolved, location: command.location, verb });
  }
  for (const [name, key] of [
    ['--self-heal', 'selfHeal'],
    ['--auto-prune', 'prune'],
  ] as const) {
    if (!args.flags.has(name)) continue;
    changed = true;
    if (isRecord(app.syncPolicy.automated)) app.syncPolicy.automated[key] = switchOn(args, name);
  }
  const options = (args.flags.get('--sync-option') ?? []).map((word) => word.value);
  if (options.length) {
    changed = true;
    app.syncPolicy.syncOptions = [...(Array.isArray(app.syncPolicy.syncOptions) ? app.syncPolicy.syncOptions : []), ...options];
  }
  return changed;
}

/** `argocd app set NAME …`, `argocd app patch NAME --patch …`, `kubectl patch application NAME -p …`. */
function amend(apps: ArgoApplication[], command: ShellCommand): void {
  const argocd = parseTool(command, 'argocd');
  if (argocd) {
    const [noun, verb, name] = argocd.positionals.map((word) => word.value);
    if (noun !== 'app' && noun !== 'application' && noun !== 'apps') return;
    // An `argocd app create` that argocd refused created nothing for a later command to change.
    const created = (app: ArgoApplication): boolean => !app.rejectedPolicies.some((rejected) => rejected.verb === 'create');
    for (const app of apps.filter((candidate) => candidate.name !== undefined && candidate.name === name && created(candidate))) {
      const changed =
        verb === 'set'
          ? applyPolicyFlags(app, argocd, command, 'set')
          : verb === 'patch'
            ? applyPatch(app, flag(argocd, '--patch')?.value, flag(argocd, '--type')?.value ?? 'json')
            : false;
      if (changed) app.amendedBy.push(command.location);
    }
    return;
  }
  const kubectl = parseTool(command, 'kubectl');
  if (!kubectl) return;
  const [verb, resource, second] = kubectl.positionals.map((word) => word.value);
  if (verb !== 'patch' || !resource) return;
  const [kind, slashName] = resource.split('/');
  if (!/^(app|apps|application|applications)(\.argoproj\.io)?$/.test(kind!)) return;
  const name = slashName ?? second;
  for (const app of apps.filter((candidate) => candidate.name !== undefined && candidate.name === name)) {
    if (applyPatch(app, flag(kubectl, '--patch')?.value, flag(kubectl, '--type')?.value ?? 'strategic'))
      app.amendedBy.push(command.location);
  }
}

/** Applies the syncPolicy part of a merge patch or a JSON patch; true when it touched it. */
function applyPatch(app: ArgoApplication, text: string | undefined, type: string): boolean {
  if (!text) return false;
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch {
    return false;
  }
  if (type === 'json') {
    if (!Array.isArray(patch)) return false;
    let changed = false;
    for (const op of patch) {
      if (!isRecord(op) || typeof op.path !== 'string' || !op.path.startsWith('/spec/syncPolicy')) continue;
      const keys = op.path
        .split('/')
        .slice(3)
        .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
      changed = true;
      if (keys.length === 0) {
        app.syncPolicy = op.op === 'remove' || !isRecord(op.value) ? {} : structuredClone(op.value);
        continue;
      }
      let node: Record<string, unknown> = app.syncPolicy;
      for (const key of keys.slice(0, -1)) {
        if (!isRecord(node[key])) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
      if (op.op === 'remove') delete node[keys.at(-1)!];
      else node[keys.at(-1)!] = structuredClone(op.value);
    }
    return changed;
  }
  const policy = dig(patch, 'spec', 'syncPolicy');
  if (policy === undefined) return false;
  if (policy === null) app.syncPolicy = {};
  else if (isRecord(policy)) mergePatch(app.syncPolicy, policy);
  return true;
}

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (isRecord(value)) {
      if (!isRecord(target[key])) target[key] = {};
      mergePatch(target[key] as Record<string, unknown>, value);
    } else target[key] = structuredClone(value);
  }
}
