// For self-tests: a Kubernetes API in memory, with the patch semantics the API server applies — JSON merge
// patch (RFC 7386) and JSON patch (RFC 6902) — so that what the live checks change and restore can be read back.
// `onPatch` lets a test play a controller (Argo CD's self-heal) after each change.
import type { ApplicationLike } from './argocd-checks.ts';
import type { PodLike } from './evidence.ts';
import type { AppProjectLike, JsonPatchOp, KubeAccess } from './kube-access.ts';
import type { ServiceLike, WorkloadLike } from './workload-checks.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Kind = 'Deployment' | 'Application' | 'AppProject' | 'Pod' | 'Service' | 'Secret';
interface Stored {
  kind: Kind;
  metadata: { name: string; namespace: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** RFC 7386. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

const unescape = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~');

/** RFC 6902: add, remove, replace, test. Throws as the API server refuses (a missing path, a failed test). */
export function jsonPatch(target: unknown, ops: JsonPatchOp[]): unknown {
  const doc = structuredClone(target) as Json;
  for (const op of ops) {
    const tokens = op.path.split('/').slice(1).map(unescape);
    const last = tokens.pop()!;
    let parent = doc as Record<string, Json> | Json[];
    for (const token of tokens) {
      const next = Array.isArray(parent) ? parent[Number(token)] : parent[token];
      if (next === undefined || next === null || typeof next !== 'object')
        throw new Error(`the server rejected the patch: path ${op.path} does not exist`);
      parent = next as Record<string, Json> | Json[];
    }
    const exists = Array.isArray(parent) ? last === '-' || Number(last) < parent.length : last in parent;
    if (op.op === 'test') {
      if (JSON.stringify((parent as Record<string, Json>)[last]) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
    } else if (op.op === 'remove') {
      if (!exists) throw new Error(`the server rejected the patch: path ${op.path} does not exist`);
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (op.op === 'replace') {
      if (!exists) throw new Error(`the server rejected the patch: path ${op.path} does not exist`);
      if (Array.isArray(parent)) parent[Number(last)] = structuredClone(op.value) as Json;
      else parent[last] = structuredClone(op.value) as Json;
    } else if (Array.isArray(parent)) {
      parent.splice(last === '-' ? parent.length : Number(last), 0, structuredClone(op.value) as Json);
    } else parent[last] = structuredClone(op.value) as Json;
  }
  return doc;
}

export class FakeKube implements KubeAccess {
  readonly objects: Stored[] = [];
  /** Every change, in order: "<kind> <ns>/<name> <merge|json> <body>". */
  readonly changes: string[] = [];
  onPatch?: (object: Stored) => void;

  add(kind: Kind, object: object): this {
    const o = structuredClone(object) as Stored;
    o.kind = kind;
    o.metadata = { ...(o.metadata ?? {}), namespace: o.metadata?.namespace ?? 'default' } as Stored['metadata'];
    this.objects.push(o);
    return this;
  }

  get(kind: Kind, namespace: string, name: string): Stored | undefined {
    return this.objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
  }

  private list(kind: Kind, namespace?: string): Stored[] {
    return this.objects.filter((o) => o.kind === kind && (!namespace || o.metadata.namespace === namespace)).map((o) => structuredClone(o));
  }

  private change(kind: Kind, namespace: string, name: string, how: 'merge' | 'json', body: unknown): void {
    const index = this.objects.findIndex((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
    if (index < 0) throw Object.assign(new Error(`HTTP-Code: 404 ${kind} ${namespace}/${name} not found`), { code: 404 });
    const next = (
      how === 'merge' ? mergePatch(this.objects[index], body) : jsonPatch(this.objects[index], body as JsonPatchOp[])
    ) as Stored;
    this.objects[index] = next;
    this.changes.push(`${kind} ${namespace}/${name} ${how} ${JSON.stringify(body)}`);
    this.onPatch?.(next);
  }

  nodes = async () => [];
  namespaces = async () => [...new Set(this.objects.map((o) => o.metadata.namespace))];
  deployments = async (namespace?: string) => this.list('Deployment', namespace) as WorkloadLike[];
  statefulSets = async () => [];
  replicaSets = async () => [];
  pods = async (namespace?: string, labelSelector?: string) =>
    this.list('Pod', namespace).filter((pod) => {
      if (!labelSelector) return true;
      const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
      return labelSelector.split(',').every((term) => {
        const [key, value] = term.split('=');
        return labels[key!] === value;
      });
    }) as PodLike[];
  services = async (namespace?: string) => this.list('Service', namespace) as ServiceLike[];
  ingresses = async () => [];
  secretValue = async () => undefined;
  secretNames = async (namespace: string) => this.list('Secret', namespace).map((s) => s.metadata.name);
  applications = async (namespace?: string) => this.list('Application', namespace) as ApplicationLike[];
  application = async (namespace: string, name: string) => structuredClone(this.get('Application', namespace, name)) as ApplicationLike;
  patchApplication = async (namespace: string, name: string, patch: object) => this.change('Application', namespace, name, 'merge', patch);
  jsonPatchApplication = async (namespace: string, name: string, ops: JsonPatchOp[]) =>
    this.change('Application', namespace, name, 'json', ops);
  appProject = async (namespace: string, name: string) =>
    structuredClone(this.get('AppProject', namespace, name)) as AppProjectLike | undefined;
  jsonPatchAppProject = async (namespace: string, name: string, ops: JsonPatchOp[]) =>
    this.change('AppProject', namespace, name, 'json', ops);
  patchDeployment = async (namespace: string, name: string, patch: object) => this.change('Deployment', namespace, name, 'merge', patch);
  jsonPatchDeployment = async (namespace: string, name: string, ops: JsonPatchOp[]) =>
    this.change('Deployment', namespace, name, 'json', ops);
  deletePod = async (namespace: string, name: string) => {
    const index = this.objects.findIndex((o) => o.kind === 'Pod' && o.metadata.namespace === namespace && o.metadata.name === name);
    if (index >= 0) this.objects.splice(index, 1);
  };
}
