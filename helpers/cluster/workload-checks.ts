// Judging workloads as the API shows them: Deployments/StatefulSets available, ready replicas, and which
// Deployment an Ingress host leads to (live objects, not the target's files).
import { failed, pending, succeeded, type Verdict } from './expectation.ts';

export interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
}

export interface WorkloadLike {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    selector?: LabelSelectorLike;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Array<{ name?: string; image?: string }> } };
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

export interface ServiceLike {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    selector?: Record<string, string>;
    ports?: Array<{ name?: string; port?: number; targetPort?: number | string }>;
    type?: string;
  };
}

export interface IngressLike {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    defaultBackend?: { service?: { name?: string } };
    rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string; backend?: { service?: { name?: string } } }> } }>;
  };
}

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
export const qualified = (o: { metadata?: { name?: string; namespace?: string } }): string =>
  `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? '?'}`;

export function wantedReplicas(workload: WorkloadLike): number {
  return workload.spec?.replicas ?? 1;
}

export function isAvailable(workload: WorkloadLike): boolean {
  const want = wantedReplicas(workload);
  const ready = workload.status?.readyReplicas ?? 0;
  if (workload.kind === 'StatefulSet') return ready >= want;
  const available = (workload.status?.conditions ?? []).some((c) => c.type === 'Available' && c.status === 'True');
  return available && (workload.status?.availableReplicas ?? 0) >= want;
}

export function describeWorkload(workload: WorkloadLike): string {
  const failure = (workload.status?.conditions ?? []).find((c) => c.status === 'False' && c.message);
  return `${qualified(workload)} ${workload.status?.readyReplicas ?? 0}/${wantedReplicas(workload)} ready${failure ? ` (${failure.reason ?? failure.type}: ${failure.message})` : ''}`;
}

/** Application workloads: outside the Kubernetes system namespaces. */
export const appWorkloads = (workloads: WorkloadLike[]): WorkloadLike[] =>
  workloads.filter((w) => !SYSTEM_NAMESPACES.has(w.metadata?.namespace ?? 'default'));

/** At least `count` workloads, every one of them available. */
export function workloadsAvailable(workloads: WorkloadLike[], count: number, what = 'Deployments'): Verdict {
  const list = workloads.map(describeWorkload).join(', ') || 'none';
  if (workloads.length < count) return pending(`${count} ${what} available (have ${workloads.length}: ${list})`);
  const waiting = workloads.filter((w) => !isAvailable(w));
  if (waiting.length) return pending(`${what} available (${waiting.map(describeWorkload).join(', ')})`);
  return succeeded(`${workloads.length} ${what} available: ${list}`);
}

/** `ready` pods ready for the workload, with spec.replicas equal to `ready` too. */
export function replicasReady(workload: WorkloadLike, ready: number): Verdict {
  const want = wantedReplicas(workload);
  if (want !== ready) return failed(`${qualified(workload)} asks for ${want} replica${want === 1 ? '' : 's'}, expected ${ready}`);
  const have = workload.status?.readyReplicas ?? 0;
  if (have < ready) return pending(`${ready} ready replicas of ${qualified(workload)} (have ${have})`);
  return succeeded(`${qualified(workload)} has ${have} ready replicas`);
}

export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/**
 * The Service an Ingress sends a host to: its rule for that host (path "/" or any), else a rule without
 * host, else the defaultBackend of an Ingress without rules (Traefik ignores it beside rules:
 * docs/upstream-behaviour.md).
 */
export function serviceForHost(ingresses: IngressLike[], host: string | undefined): { namespace: string; name: string } | undefined {
  for (const ingress of ingresses) {
    for (const rule of ingress.spec?.rules ?? []) {
      const matches = host !== undefined && rule.host === host;
      if (!matches) continue;
      const path = (rule.http?.paths ?? []).find((p) => (p.path ?? '/') === '/') ?? rule.http?.paths?.[0];
      const name = path?.backend?.service?.name;
      if (name) return { namespace: ingress.metadata?.namespace ?? 'default', name };
    }
  }
  for (const ingress of ingresses) {
    const hostless = (ingress.spec?.rules ?? []).find((rule) => !rule.host);
    const ruleless = (ingress.spec?.rules ?? []).length === 0;
    const name = hostless?.http?.paths?.[0]?.backend?.service?.name ?? (ruleless ? ingress.spec?.defaultBackend?.service?.name : undefined);
    if (name) return { namespace: ingress.metadata?.namespace ?? 'default', name };
  }
  return undefined;
}

/** The Deployment behind a host: Ingress → Service → the workload whose pod labels the selector matches. */
export function workloadForHost(
  host: string | undefined,
  ingresses: IngressLike[],
  services: ServiceLike[],
  workloads: WorkloadLike[],
): WorkloadLike | undefined {
  const target = serviceForHost(ingresses, host);
  if (!target) return undefined;
  const service = services.find((s) => s.metadata?.name === target.name && (s.metadata?.namespace ?? 'default') === target.namespace);
  return workloads.find(
    (w) =>
      (w.metadata?.namespace ?? 'default') === target.namespace && selects(service?.spec?.selector, w.spec?.template?.metadata?.labels),
  );
}
