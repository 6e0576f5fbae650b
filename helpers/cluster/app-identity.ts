// Which app answered a request, for Part 2's route checks. Apps that echo the request (traefik/whoami, the
// reference's app) put the Host header, the client's port and the proxy's headers in their body, so two answers
// of the same pod differ as text. The app is therefore decided from the pod the body names (whoami's
// "Hostname:" line), mapped through the API to the workload that owns it (pod → ReplicaSet → Deployment); when
// the body names no pod, from the body with the echoed request removed.
import { normalizeBody } from './http-probe.ts';

export interface OwnerReference {
  kind?: string;
  name?: string;
}

export interface OwnedLike {
  metadata?: { name?: string; namespace?: string; ownerReferences?: OwnerReference[] };
}

export interface AppIdentity {
  /** Equal for two answers of the same app. */
  key: string;
  /** For messages: "Deployment default/app1 (pod app1-6c9f8b7d4b-x2x7p)", or an excerpt of the body. */
  label: string;
  via: 'pod' | 'body';
}

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
/** An HTTP/1 request line, as Go's Request.Write prints it (whoami echoes the request with it). */
const REQUEST_LINE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ HTTP\/\d(\.\d)?\r?$/;
/** Request headers a client or a proxy (Traefik) sets, echoed by some apps anywhere in their page. */
const REQUEST_HEADER =
  /^[ \t]*(host|user-agent|accept(-[a-z]+)?|connection|content-length|content-type|forwarded|via|x-forwarded-[a-z]+|x-real-ip|x-request-id|traceparent|remoteaddr)[ \t]*:.*$/gim;

/** The body without the request it echoes: from a request line to the blank line after its headers, and header lines. */
export function stripEchoedRequest(body: string, sentHosts: string[] = []): string {
  const lines = body.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (REQUEST_LINE.test(lines[i]!)) {
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== '') i++;
      continue;
    }
    kept.push(lines[i]!);
  }
  let text = kept.join('\n').replace(REQUEST_HEADER, '');
  for (const host of sentHosts.filter(Boolean)) text = text.split(host).join('<host>');
  return text;
}

const qualified = (o: OwnedLike): string => `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? '?'}`;

/** The workload that owns a pod: its ReplicaSet's Deployment, or its StatefulSet, DaemonSet, Job … */
export function ownerWorkload(pod: OwnedLike, replicaSets: OwnedLike[]): string {
  const namespace = pod.metadata?.namespace ?? 'default';
  const owner = pod.metadata?.ownerReferences?.find((o) => o.kind && o.name);
  if (!owner) return `Pod ${qualified(pod)}`;
  if (owner.kind === 'ReplicaSet') {
    const replicaSet = replicaSets.find((rs) => rs.metadata?.name === owner.name && (rs.metadata?.namespace ?? 'default') === namespace);
    const deployment = replicaSet?.metadata?.ownerReferences?.find((o) => o.kind === 'Deployment' && o.name);
    if (deployment) return `Deployment ${namespace}/${deployment.name}`;
  }
  return `${owner.kind} ${namespace}/${owner.name}`;
}

/** Which app a body comes from: the workload of the one app pod it names, else its text without the echo. */
export function identifyApp(body: string, cluster: { pods: OwnedLike[]; replicaSets: OwnedLike[]; sentHost?: string }): AppIdentity {
  const stripped = stripEchoedRequest(body, cluster.sentHost ? [cluster.sentHost] : []);
  const pods = cluster.pods.filter((p) => p.metadata?.name && !SYSTEM_NAMESPACES.has(p.metadata.namespace ?? 'default'));
  const named = pods.filter((p) => stripped.includes(p.metadata!.name!));
  const owners = [...new Set(named.map((p) => ownerWorkload(p, cluster.replicaSets)))];
  if (owners.length === 1) {
    const podNames = named.map((p) => p.metadata!.name!).join(', ');
    return { key: owners[0]!, label: `${owners[0]} (pod ${podNames})`, via: 'pod' };
  }
  const text = normalizeBody(
    stripped,
    pods.map((p) => p.metadata!.name!),
  ).replace(/<ip>:\d+/g, '<ip>');
  return { key: `body:${text}`, label: `the page "${text.length > 80 ? `${text.slice(0, 80)}…` : text || '(empty)'}"`, via: 'body' };
}

/** A route's answer must come from another app than the earlier routes'; the failure message, or undefined. */
export function sameAppAs(route: string, answer: AppIdentity, earlier: Array<{ route: string; app: AppIdentity }>): string | undefined {
  const same = earlier.find((other) => other.app.key === answer.key);
  if (!same) return undefined;
  return `${route} is answered by ${answer.label}, the same app as ${same.route} (${same.app.label})`;
}
