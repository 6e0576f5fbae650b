// Helm releases a part installs with Terraform's helm provider (`resource "helm_release" …` in its
// .tf files), their values worked out the way Terraform would without running it: literals,
// variables (default, terraform.tfvars, *.auto.tfvars[.json]), locals, a Namespace resource's name,
// path.module, and file/jsondecode/yamldecode of files of the repository (read through the target:
// inside the repository, no symlink out). What stays unknown is named as a placeholder.
import { posix } from 'node:path';
import type { Location } from '../target/location.ts';
import type { SubjectPart } from '../target/layout.ts';
import type { Target } from '../target/repository.ts';
import type { Field } from './field.ts';
import { isRecord } from './field.ts';
import { type HclBlock, type HclExpr, type HclFile, parseHcl } from './hcl.ts';
import { valuesOfText, type HelmRelease } from './helm.ts';

interface Module {
  /** The folder of the module's .tf files, relative to the target root. */
  dir: string;
  files: Array<{ path: string; hcl: HclFile }>;
  variables: Map<string, HclBlock>;
  /** Values given in terraform.tfvars, *.auto.tfvars and their .json forms, by variable. */
  tfvars: Map<string, unknown>;
  locals: Map<string, HclExpr>;
  resources: Map<string, HclBlock>;
}

/** A value as far as it is known: `unresolved` names what is not (`var.namespace`). */
interface Value {
  value: unknown;
  unresolved: string[];
}

const MAX_DEPTH = 16;
const unknownValue = (name: string): Value => ({ value: undefined, unresolved: [name] });

/** Every `helm_release` resource of the part's .tf files. */
export async function terraformReleases(target: Target, part: SubjectPart): Promise<HelmRelease[]> {
  const releases: HelmRelease[] = [];
  for (const module of await modulesOf(target, part)) {
    for (const { path, hcl } of module.files) {
      for (const block of hcl.blocks) {
        if (block.type !== 'resource' || block.labels[0] !== 'helm_release') continue;
        releases.push(releaseOf(target, module, path, block));
      }
    }
  }
  return releases;
}

async function modulesOf(target: Target, part: SubjectPart): Promise<Module[]> {
  const byDir = new Map<string, Module>();
  const moduleOf = (dir: string): Module => {
    let module = byDir.get(dir);
    if (!module) {
      module = { dir, files: [], variables: new Map(), tfvars: new Map(), locals: new Map(), resources: new Map() };
      byDir.set(dir, module);
    }
    return module;
  };
  for (const file of target.filesOf(part)) {
    if (file.text === undefined || file.problem) continue;
    const dir = posix.dirname(file.path);
    const name = posix.basename(file.path);
    if (/\.tf$/.test(name)) {
      const hcl = await parseHcl(file.text);
      const module = moduleOf(dir);
      module.files.push({ path: file.path, hcl });
      for (const block of hcl.blocks) {
        if (block.type === 'variable' && block.labels[0]) module.variables.set(block.labels[0], block);
        if (block.type === 'locals') for (const [key, expr] of block.attributes) module.locals.set(key, expr);
        if (block.type === 'resource' && block.labels.length >= 2) module.resources.set(`${block.labels[0]}.${block.labels[1]}`, block);
      }
    } else if (name === 'terraform.tfvars' || name.endsWith('.auto.tfvars')) {
      const hcl = await parseHcl(file.text);
      const module = moduleOf(dir);
      for (const [key, expr] of hcl.attributes) module.tfvars.set(key, evaluate(target, module, expr, 0).value);
    } else if (name === 'terraform.tfvars.json' || name.endsWith('.auto.tfvars.json')) {
      const data = parseJson(file.text);
      if (isRecord(data)) for (const [key, value] of Object.entries(data)) moduleOf(dir).tfvars.set(key, value);
    }
  }
  return [...byDir.values()].filter((module) => module.files.length);
}

function releaseOf(target: Target, module: Module, file: string, block: HclBlock): HelmRelease {
  const location: Location = { file, line: block.line };
  const field = (name: string): Field | undefined => {
    const expr = block.attributes.get(name);
    return expr ? fieldOf(evaluate(target, module, expr, 0), { file, line: expr.line }, expr.text) : undefined;
  };
  const sets = new Map<string, Field>();
  const addSet = (name: unknown, value: Value, line: number, text: string): void => {
    if (typeof name === 'string') sets.set(name, fieldOf(value, { file, line }, text));
  };
  for (const set of block.blocks.filter((inner) => inner.type === 'set' || inner.type === 'set_sensitive')) {
    const name = set.attributes.get('name');
    const value = set.attributes.get('value');
    if (name && value) addSet(evaluate(target, module, name, 0).value, evaluate(target, module, value, 0), value.line, value.text);
  }
  const setList = block.attributes.get('set');
  if (setList) {
    const items = evaluate(target, module, setList, 0).value;
    if (Array.isArray(items))
      for (const item of items) if (isRecord(item)) addSet(item.name, { value: item.value, unresolved: [] }, setList.line, setList.text);
  }
  const values = evaluate(target, module, block.attributes.get('values') ?? { line: 0, text: '', kind: 'tuple', items: [] }, 0).value;
  const documents = (Array.isArray(values) ? values : []).flatMap((text) => (typeof text === 'string' ? [valuesOfText(text)] : []));
  const createNamespace = evaluate(target, module, block.attributes.get('create_namespace') ?? literal(false), 0).value;
  return {
    via: 'terraform',
    name: field('name')?.value ?? block.labels[1],
    chart: field('chart') ?? { value: '', location, unresolved: [] },
    repo: field('repository')?.value,
    // The helm provider installs into "default" when namespace is not set.
    namespace: field('namespace'),
    version: field('version'),
    createNamespace: createNamespace === true || createNamespace === 'true',
    sets,
    valuesFiles: [],
    values: documents.reduce<unknown>((merged, document) => deepMerge(merged, document), undefined),
    location,
  };
}

const literal = (value: boolean): HclExpr => ({ line: 0, text: String(value), kind: 'literal', value });

/** A scalar as a Field: unknown parts stay as `${…}` in the value, named in `unresolved`. */
function fieldOf(value: Value, location: Location, text: string): Field {
  if (typeof value.value === 'string' || typeof value.value === 'number' || typeof value.value === 'boolean')
    return { value: String(value.value), location, unresolved: value.unresolved };
  return { value: `\${${text}}`, location, unresolved: value.unresolved.length ? value.unresolved : [text] };
}

function evaluate(target: Target, module: Module, expr: HclExpr, depth: number): Value {
  if (depth > MAX_DEPTH) return unknownValue(expr.text);
  const next = (inner: HclExpr): Value => evaluate(target, module, inner, depth + 1);
  switch (expr.kind) {
    case 'literal':
      return { value: expr.value, unresolved: [] };
    case 'template': {
      let text = '';
      const unresolved: string[] = [];
      for (const part of expr.parts) {
        if (typeof part === 'string') {
          text += part;
          continue;
        }
        const inner = next(part);
        if (typeof inner.value === 'string' || typeof inner.value === 'number' || typeof inner.value === 'boolean') {
          text += String(inner.value);
          unresolved.push(...inner.unresolved);
        } else {
          text += `\${${part.text}}`;
          unresolved.push(...(inner.unresolved.length ? inner.unresolved : [part.text]));
        }
      }
      return { value: text, unresolved };
    }
    case 'tuple': {
      const items = expr.items.map(next);
      return { value: items.map((item) => item.value), unresolved: items.flatMap((item) => item.unresolved) };
    }
    case 'object': {
      const entries = expr.entries.map(([key, value]) => [key, next(value)] as const);
      return {
        value: Object.fromEntries(entries.map(([key, value]) => [key, value.value])),
        unresolved: entries.flatMap(([, value]) => value.unresolved),
      };
    }
    case 'reference':
      return reference(target, module, expr, next);
    case 'call':
      return steps(call(target, module, expr, next), expr.steps, expr.text);
    case 'unknown':
      return unknownValue(expr.text);
  }
}

function reference(target: Target, module: Module, expr: Extract<HclExpr, { kind: 'reference' }>, next: (e: HclExpr) => Value): Value {
  const [first, ...rest] = expr.steps;
  const name = typeof first === 'string' ? first : undefined;
  if (expr.root === 'var' && name) {
    if (module.tfvars.has(name)) return steps({ value: module.tfvars.get(name), unresolved: [] }, rest, expr.text);
    const fallback = module.variables.get(name)?.attributes.get('default');
    return fallback ? steps(next(fallback), rest, expr.text) : unknownValue(`var.${name}`);
  }
  if (expr.root === 'local' && name) {
    const value = module.locals.get(name);
    return value ? steps(next(value), rest, expr.text) : unknownValue(`local.${name}`);
  }
  if (expr.root === 'path' && (name === 'module' || name === 'root' || name === 'cwd')) return { value: module.dir, unresolved: [] };
  // A resource's own attributes: kubernetes_namespace.gitlab.metadata[0].name, its id (a namespace's name).
  const resource = name ? module.resources.get(`${expr.root}.${name}`) : undefined;
  if (!resource) return unknownValue(expr.text);
  const path = [...rest];
  if (/^kubernetes_namespace(_v1)?$/.test(expr.root) && path[0] === 'id') path.splice(0, 1, 'metadata', 0, 'name');
  let blocks: HclBlock[] = [resource];
  for (let index = 0; index < path.length; index++) {
    const step = path[index]!;
    const block = blocks[0];
    if (!block) break;
    if (typeof step === 'number') {
      blocks = blocks.slice(step, step + 1);
      continue;
    }
    const attribute = block.attributes.get(step);
    if (attribute) return steps(next(attribute), path.slice(index + 1), expr.text);
    blocks = block.blocks.filter((inner) => inner.type === step);
  }
  return unknownValue(expr.text);
}

function call(target: Target, module: Module, expr: Extract<HclExpr, { kind: 'call' }>, next: (e: HclExpr) => Value): Value {
  const args = expr.args.map(next);
  const unresolved = args.flatMap((arg) => arg.unresolved);
  const first = args[0]?.value;
  if (unresolved.length) return { value: undefined, unresolved };
  switch (expr.name) {
    case 'pathexpand':
    case 'abspath':
      return typeof first === 'string' && !first.startsWith('~') ? { value: first, unresolved: [] } : unknownValue(expr.text);
    case 'file': {
      if (typeof first !== 'string' || first.startsWith('/') || first.startsWith('~')) return unknownValue(expr.text);
      // A relative path is read from the module's folder, where `terraform apply` runs.
      const fromRoot = first === module.dir || first.startsWith(`${module.dir}/`);
      const path = posix.normalize(fromRoot ? first : posix.join(module.dir, first));
      const text = path.startsWith('../') ? undefined : target.file(path)?.text;
      return text === undefined ? unknownValue(expr.text) : { value: text, unresolved: [] };
    }
    case 'jsondecode':
      return typeof first === 'string' && parseJson(first) !== undefined
        ? { value: parseJson(first), unresolved: [] }
        : unknownValue(expr.text);
    case 'yamldecode':
      return typeof first === 'string' ? { value: valuesOfText(first), unresolved: [] } : unknownValue(expr.text);
    case 'trimspace':
      return typeof first === 'string' ? { value: first.trim(), unresolved: [] } : unknownValue(expr.text);
    case 'lower':
    case 'upper':
      return typeof first === 'string'
        ? { value: expr.name === 'lower' ? first.toLowerCase() : first.toUpperCase(), unresolved: [] }
        : unknownValue(expr.text);
    case 'tostring':
      return typeof first === 'string' || typeof first === 'number' ? { value: String(first), unresolved: [] } : unknownValue(expr.text);
  }
  return unknownValue(expr.text);
}

/** Attribute and index steps on plain data. */
function steps(value: Value, path: Array<string | number>, text: string): Value {
  let node = value.value;
  for (const step of path) {
    if (node === undefined) break;
    node = Array.isArray(node) ? (typeof step === 'number' ? node[step] : undefined) : isRecord(node) ? node[String(step)] : undefined;
  }
  if (node === undefined && path.length && !value.unresolved.length) return unknownValue(text);
  return { value: node, unresolved: value.unresolved };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over ?? base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = deepMerge(base[key], value);
  return merged;
}
