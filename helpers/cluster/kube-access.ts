// The Kubernetes API of a booted part, through @kubernetes/client-node, reduced to what the live checks
// read and change. The checks themselves (node-checks.ts, workload-checks.ts, argocd-checks.ts) take plain
// objects, so self-tests feed them JSON captured from real clusters.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import type { OwnedLike } from './app-identity.ts';
import type { ApplicationLike } from './argocd-checks.ts';
import type { PodLike } from './evidence.ts';
import type { NodeLike } from './node-checks.ts';
import type { IngressLike, ServiceLike, WorkloadLike } from './workload-checks.ts';

export interface KubeAccess {
  nodes(): Promise<NodeLike[]>;
  namespaces(): Promise<string[]>;
  deployments(namespace?: string): Promise<WorkloadLike[]>;
  statefulSets(namespace?: string): Promise<WorkloadLike[]>;
  /** ReplicaSets (their ownerReferences name the Deployment): which app a pod belongs to. */
  replicaSets(namespace?: string): Promise<OwnedLike[]>;
  pods(namespace?: string, labelSelector?: string): Promise<PodLike[]>;
  services(namespace?: string): Promise<ServiceLike[]>;
  ingresses(namespace?: string): Promise<IngressLike[]>;
  /** A Secret's key, decoded; undefined when the Secret or the key does not exist. */
  secretValue(namespace: string, name: string, key: string): Promise<string | undefined>;
  secretNames(namespace: string): Promise<string[]>;
  applications(namespace?: string): Promise<ApplicationLike[]>;
  application(namespace: string, name: string): Promise<ApplicationLike>;
  patchApplication(namespace: string, name: string, patch: object): Promise<void>;
  /** RFC 6902 JSON patch: what a merge patch cannot say, such as removing a field (an exact restore). */
  jsonPatchApplication(namespace: string, name: string, ops: JsonPatchOp[]): Promise<void>;
  /** An Argo CD AppProject; undefined when it does not exist. */
  appProject(namespace: string, name: string): Promise<AppProjectLike | undefined>;
  jsonPatchAppProject(namespace: string, name: string, ops: JsonPatchOp[]): Promise<void>;
  patchDeployment(namespace: string, name: string, patch: object): Promise<void>;
  jsonPatchDeployment(namespace: string, name: string, ops: JsonPatchOp[]): Promise<void>;
  deletePod(namespace: string, name: string): Promise<void>;
}

export type JsonPatchOp = { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string };

export interface AppProjectLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { sourceRepos?: string[] };
}

/** A JSON pointer's token: `~` and `/` escaped (RFC 6901), for label keys such as app.kubernetes.io/name. */
export const pointerToken = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

const ARGO = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' };
const PROJECTS = { ...ARGO, plural: 'appprojects' };
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404 || /HTTP-Code: 404/.test(String((error as Error).message));
}

export function kubeAccess(config: KubeConfig): KubeAccess {
  const core = config.makeApiClient(CoreV1Api);
  const apps = config.makeApiClient(AppsV1Api);
  const net = config.makeApiClient(NetworkingV1Api);
  const custom = config.makeApiClient(CustomObjectsApi);
  const withKind = <T extends object>(kind: string, items: T[]): T[] => items.map((item) => ({ kind, ...item }));
  return {
    nodes: async () => (await core.listNode()).items as NodeLike[],
    namespaces: async () => (await core.listNamespace()).items.map((ns) => ns.metadata?.name ?? ''),
    deployments: async (namespace) =>
      withKind(
        'Deployment',
        (namespace ? await apps.listNamespacedDeployment({ namespace }) : await apps.listDeploymentForAllNamespaces()).items,
      ) as WorkloadLike[],
    statefulSets: async (namespace) =>
      withKind(
        'StatefulSet',
        (namespace ? await apps.listNamespacedStatefulSet({ namespace }) : await apps.listStatefulSetForAllNamespaces()).items,
      ) as WorkloadLike[],
    replicaSets: async (namespace) =>
      (namespace ? await apps.listNamespacedReplicaSet({ namespace }) : await apps.listReplicaSetForAllNamespaces()).items as OwnedLike[],
    pods: async (namespace, labelSelector) =>
      (namespace ? await core.listNamespacedPod({ namespace, labelSelector }) : await core.listPodForAllNamespaces({ labelSelector }))
        .items as PodLike[],
    services: async (namespace) =>
      (namespace ? await core.listNamespacedService({ namespace }) : await core.listServiceForAllNamespaces()).items as ServiceLike[],
    ingresses: async (namespace) =>
      (namespace ? await net.listNamespacedIngress({ namespace }) : await net.listIngressForAllNamespaces()).items as IngressLike[],
    secretValue: async (namespace, name, key) => {
      try {
        const secret = await core.readNamespacedSecret({ namespace, name });
        const value = secret.data?.[key];
        return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    secretNames: async (namespace) => (await core.listNamespacedSecret({ namespace })).items.map((s) => s.metadata?.name ?? ''),
    applications: async (namespace) => {
      const list = (
        namespace ? await custom.listNamespacedCustomObject({ ...ARGO, namespace }) : await custom.listClusterCustomObject(ARGO)
      ) as { items?: ApplicationLike[] };
      return list.items ?? [];
    },
    application: async (namespace, name) => (await custom.getNamespacedCustomObject({ ...ARGO, namespace, name })) as ApplicationLike,
    patchApplication: async (namespace, name, body) => {
      await custom.patchNamespacedCustomObject({ ...ARGO, namespace, name, body }, mergePatch);
    },
    jsonPatchApplication: async (namespace, name, body) => {
      await custom.patchNamespacedCustomObject({ ...ARGO, namespace, name, body }, jsonPatch);
    },
    appProject: async (namespace, name) => {
      try {
        return (await custom.getNamespacedCustomObject({ ...PROJECTS, namespace, name })) as AppProjectLike;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    jsonPatchAppProject: async (namespace, name, body) => {
      await custom.patchNamespacedCustomObject({ ...PROJECTS, namespace, name, body }, jsonPatch);
    },
    patchDeployment: async (namespace, name, body) => {
      await apps.patchNamespacedDeployment({ namespace, name, body }, mergePatch);
    },
    jsonPatchDeployment: async (namespace, name, body) => {
      await apps.patchNamespacedDeployment({ namespace, name, body }, jsonPatch);
    },
    deletePod: async (namespace, name) => {
      await core.deleteNamespacedPod({ namespace, name });
    },
  };
}

export function kubeAccessFromKubeconfig(text: string): KubeAccess {
  const config = new KubeConfig();
  config.loadFromString(text);
  return kubeAccess(config);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '0.0.0.0', '[::1]', '::1']);

/**
 * A K3s kubeconfig read on the server names https://127.0.0.1:6443; from the host the API is at the
 * server's private address. The certificate does not always list that address (only when K3s was given
 * --node-ip or --tls-san), so the TLS server name is set to "kubernetes", which every API server certificate
 * carries.
 */
export function rewriteKubeconfigServer(text: string, address: string): string {
  const doc = parse(text) as { clusters?: Array<{ cluster?: Record<string, unknown> }> };
  if (!doc?.clusters?.length) throw new Error('the kubeconfig read from the server has no clusters: is K3s installed there?');
  for (const entry of doc.clusters) {
    const cluster = entry.cluster ?? {};
    const server = new URL(String(cluster.server ?? 'https://127.0.0.1:6443'));
    const wasLoopback = LOOPBACK.has(server.hostname);
    server.hostname = address;
    cluster.server = server.toString().replace(/\/$/, '');
    if (wasLoopback && !cluster['tls-server-name']) cluster['tls-server-name'] = 'kubernetes';
    entry.cluster = cluster;
  }
  return stringify(doc);
}
