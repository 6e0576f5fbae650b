// Which YAML documents are Kubernetes objects, and the schema of each kind the API serves.
// Schemas come from kubernetes-models (built-in API groups) and @kubernetes-models/argo-cd
// (argoproj.io); each ships one compiled validator per kind, loaded on first use.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ApiVersion {
  group: string;
  version: string;
}

export function splitApiVersion(apiVersion: string): ApiVersion {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

// Groups whose documents configure a tool and are never sent to an API server.
const CONFIG_GROUPS = [
  /(^|\.)config\.k8s\.io$/, // kustomize, kubelet, kube-proxy, apiserver configuration
  /^kubeadm\.k8s\.io$/,
  /^audit\.k8s\.io$/,
  /^k3d\.io$/,
  /^kind\.x-k8s\.io$/,
  /^config\.kubernetes\.io$/,
  /^client\.authentication\.k8s\.io$/,
  /^admission\.k8s\.io$/,
  /^imagepolicy\.k8s\.io$/,
];

const BUILT_IN_GROUPS_WITHOUT_DOT = new Set(['', 'apps', 'batch', 'autoscaling', 'policy', 'extensions']);

// API versions kubernetes-models still ships but current Kubernetes no longer serves.
const REMOVED: Record<string, string> = {
  'extensions/v1beta1': '1.22',
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'networking.k8s.io/v1beta1': '1.22',
  'batch/v1beta1': '1.25',
  'policy/v1beta1': '1.25',
  'autoscaling/v2beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'rbac.authorization.k8s.io/v1beta1': '1.22',
  'admissionregistration.k8s.io/v1beta1': '1.22',
  'apiextensions.k8s.io/v1beta1': '1.22',
  'apiregistration.k8s.io/v1beta1': '1.22',
  'authentication.k8s.io/v1beta1': '1.22',
  'authorization.k8s.io/v1beta1': '1.22',
  'certificates.k8s.io/v1beta1': '1.22',
  'coordination.k8s.io/v1beta1': '1.22',
  'discovery.k8s.io/v1beta1': '1.25',
  'events.k8s.io/v1beta1': '1.25',
  'flowcontrol.apiserver.k8s.io/v1beta1': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta2': '1.29',
  'flowcontrol.apiserver.k8s.io/v1beta3': '1.32',
  'node.k8s.io/v1beta1': '1.25',
  'scheduling.k8s.io/v1beta1': '1.22',
  'storage.k8s.io/v1beta1': '1.22',
};

/** Why a document is, or is not, a Kubernetes object. */
export type DocumentClass = { object: true; apiVersion: string; kind: string } | { object: false; reason: string };

export function classifyDocument(data: unknown): DocumentClass {
  if (!isRecord(data)) return { object: false, reason: 'not a mapping' };
  const { apiVersion, kind } = data;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind)
    return { object: false, reason: 'no apiVersion and kind' };
  const { group, version } = splitApiVersion(apiVersion);
  if (group === '' && kind === 'Config') return { object: false, reason: 'a kubeconfig' };
  if (CONFIG_GROUPS.some((pattern) => pattern.test(group))) return { object: false, reason: `a ${group} configuration file` };
  if (group.includes('.')) return { object: true, apiVersion, kind };
  if (BUILT_IN_GROUPS_WITHOUT_DOT.has(group) && (group !== '' || version === 'v1')) return { object: true, apiVersion, kind };
  // Other tools (Helm's Chart.yaml, Skaffold…) use apiVersion too; a built-in kind name means a mistyped apiVersion.
  if (builtInKindNames().has(kind)) return { object: true, apiVersion, kind };
  return { object: false, reason: `apiVersion ${apiVersion} is no Kubernetes API` };
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A compiled validator: returns false and sets `errors` (ajv errors) when the data is invalid. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

export interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

export type KindSchema =
  | { status: 'served'; validate: SchemaValidator }
  | { status: 'removed'; removedIn: string; replacement?: string }
  | { status: 'unknown'; message: string }
  | { status: 'no-schema' };

interface ModelPackage {
  root: string;
  /** True for kubernetes-models (the built-in API groups). */
  builtIn: boolean;
  /** "group/version" (or "v1") → folder of its classes. */
  folders: Map<string, string>;
}

const require = createRequire(import.meta.url);
let packages: ModelPackage[] | undefined;
let kindIndex: Map<string, Set<string>> | undefined;
const schemaCache = new Map<string, KindSchema>();

function findPackage(name: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function modelPackages(): ModelPackage[] {
  if (packages) return packages;
  packages = [];
  for (const name of ['kubernetes-models', '@kubernetes-models/argo-cd']) {
    const root = findPackage(name);
    if (!root) continue;
    const folders = new Map<string, string>();
    for (const group of readdirSync(root)) {
      const groupDir = join(root, group);
      if (group.startsWith('_') || !statSync(groupDir).isDirectory()) continue;
      if (/^v\d/.test(group)) {
        folders.set(group, groupDir);
        continue;
      }
      for (const version of readdirSync(groupDir)) {
        if (statSync(join(groupDir, version)).isDirectory()) folders.set(`${group}/${version}`, join(groupDir, version));
      }
    }
    packages.push({ root, builtIn: name === 'kubernetes-models', folders });
  }
  return packages;
}

function folderOf(apiVersion: string): string | undefined {
  for (const pkg of modelPackages()) {
    const folder = pkg.folders.get(apiVersion);
    if (folder) return folder;
  }
  return undefined;
}

/** Every top-level kind the model packages know, by apiVersion. */
function kinds(): Map<string, Set<string>> {
  if (kindIndex) return kindIndex;
  kindIndex = new Map();
  for (const pkg of modelPackages()) {
    for (const [apiVersion, folder] of pkg.folders) {
      const names = new Set<string>();
      for (const file of readdirSync(folder)) {
        if (!file.endsWith('.js') || file === 'index.js') continue;
        const match = /static\{this\.kind="([A-Za-z0-9]+)"\}/.exec(readFileSync(join(folder, file), 'utf8'));
        if (match && !match[1].endsWith('List')) names.add(match[1]);
      }
      kindIndex.set(apiVersion, names);
    }
  }
  return kindIndex;
}

let kindNames: Set<string> | undefined;
function builtInKindNames(): Set<string> {
  if (!kindNames) {
    kindNames = new Set();
    for (const [apiVersion, names] of kinds())
      if (isBuiltInGroup(splitApiVersion(apiVersion).group)) for (const name of names) kindNames.add(name);
  }
  return kindNames;
}

let builtInGroups: Set<string> | undefined;
/** A group Kubernetes itself serves (not one a CRD adds, even under k8s.io). */
function isBuiltInGroup(group: string): boolean {
  if (!builtInGroups) {
    builtInGroups = new Set(BUILT_IN_GROUPS_WITHOUT_DOT);
    for (const pkg of modelPackages())
      if (pkg.builtIn) for (const apiVersion of pkg.folders.keys()) builtInGroups.add(splitApiVersion(apiVersion).group);
  }
  return builtInGroups.has(group);
}

const isServed = (apiVersion: string): boolean => !(apiVersion in REMOVED);

/** The apiVersions that serve a kind today, preferring the same group. */
export function servedVersionsOf(kind: string, preferGroup?: string): string[] {
  const found = [...kinds()].filter(([apiVersion, names]) => names.has(kind) && isServed(apiVersion)).map(([apiVersion]) => apiVersion);
  const rank = (apiVersion: string): number => (splitApiVersion(apiVersion).group === preferGroup ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b) || (/beta|alpha/.test(a) ? 1 : 0) - (/beta|alpha/.test(b) ? 1 : 0));
}

/** The schema of a kind, or why there is none. */
export function schemaOf(apiVersion: string, kind: string): KindSchema {
  const key = `${apiVersion} ${kind}`;
  let schema = schemaCache.get(key);
  if (!schema) {
    schema = lookUpSchema(apiVersion, kind);
    schemaCache.set(key, schema);
  }
  return schema;
}

function lookUpSchema(apiVersion: string, kind: string): KindSchema {
  const { group } = splitApiVersion(apiVersion);
  const known = kinds().get(apiVersion);
  if (known?.has(kind)) {
    if (!isServed(apiVersion)) return { status: 'removed', removedIn: REMOVED[apiVersion], replacement: servedVersionsOf(kind, group)[0] };
    const validate = loadValidator(apiVersion, kind);
    return validate ? { status: 'served', validate } : { status: 'no-schema' };
  }
  const elsewhere = servedVersionsOf(kind, group);
  if (known) {
    const suggestion = closest(kind, [...known]);
    if (suggestion) return { status: 'unknown', message: `apiVersion ${apiVersion} has no kind ${kind}; did you mean ${suggestion}?` };
    if (elsewhere.length) return { status: 'unknown', message: `${kind} is not served by ${apiVersion}; use apiVersion ${elsewhere[0]}` };
    if (group === 'argoproj.io') return { status: 'no-schema' };
    return { status: 'unknown', message: `apiVersion ${apiVersion} has no kind ${kind}` };
  }
  if (isBuiltInGroup(group) || elsewhere.length) {
    if (elsewhere.length)
      return { status: 'unknown', message: `apiVersion ${apiVersion} does not serve ${kind}; use apiVersion ${elsewhere[0]}` };
    if (!/alpha|beta/.test(apiVersion)) return { status: 'unknown', message: `apiVersion ${apiVersion} is not served by Kubernetes` };
  }
  return { status: 'no-schema' };
}

function loadValidator(apiVersion: string, kind: string): SchemaValidator | undefined {
  const folder = folderOf(apiVersion);
  if (!folder || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const file = join(folder, `${kind}.js`);
  if (!existsSync(file)) return undefined;
  const model = (require(file) as Record<string, { prototype: { validate(): void } } | undefined>)[kind];
  if (!model) return undefined;
  // The model's validate() runs the compiled schema on `this` and throws ajv's ValidationError.
  const validate: SchemaValidator = (data: unknown): boolean => {
    try {
      model.prototype.validate.call(data);
      validate.errors = null;
      return true;
    } catch (error) {
      const errors = (error as { errors?: AjvError[] }).errors;
      if (!Array.isArray(errors)) throw error;
      validate.errors = errors;
      return false;
    }
  };
  return validate;
}

/** The candidate closest to a misspelt word (edit distance ≤ 2, or a case difference), if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === word.toLowerCase() ? 0.5 : editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = word.length <= 4 ? 1 : 2;
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
