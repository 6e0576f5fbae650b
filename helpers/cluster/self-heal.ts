// P3L-SELF-HEAL: a manual change that Argo CD must revert. Argo CD's default diff is a three-way diff of the
// live object, git's manifest and the last-applied-configuration it wrote (docs/upstream-behaviour.md), so it
// reverts only fields git declares: scaling a Deployment whose manifest has no spec.replicas is never reverted.
// The drift is therefore chosen among the fields the manifest declares, in this order: spec.replicas, an
// annotation, a label, a container image (always declared).
import { failed, pending, succeeded, type Expectation, type PollResult } from './expectation.ts';
import { pointerToken, type JsonPatchOp, type KubeAccess } from './kube-access.ts';
import type { CleanupStack } from './teardown.ts';

export interface DeploymentLike {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: Array<{ manager?: string; operation?: string; fieldsV1?: Record<string, unknown> }>;
  };
  spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ name?: string; image?: string }> } } };
}

/** What git declares of a Deployment, with the values git gives them. */
export interface Declared {
  replicas?: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  images: Array<{ index: number; container: string; image: string }>;
  /** Where this was read: "last-applied-configuration", "managed fields of argocd-controller", a file. */
  from: string;
}

export interface Drift {
  /** "spec.replicas 1 → 3", "label tier=web → web-iot-drift" … */
  description: string;
  /** JSON patch making the change by hand. */
  change: JsonPatchOp[];
  /** JSON patch putting git's value back (teardown, when Argo CD did not). */
  undo: JsonPatchOp[];
  /** Reverted as git declares; otherwise, what the field holds now. */
  reverted(live: DeploymentLike): { reverted: true } | { reverted: false; now: string };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Metadata Argo CD or Kubernetes write themselves: not git's, whatever last-applied holds. */
const NOT_GITS = /^(kubectl\.kubernetes\.io\/|argocd\.argoproj\.io\/|deployment\.kubernetes\.io\/|app\.kubernetes\.io\/instance$)/;

function declaredFrom(manifest: DeploymentLike, from: string): Declared {
  const keep = (record: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([key, value]) => !NOT_GITS.test(key) && typeof value === 'string'));
  return {
    ...(typeof manifest.spec?.replicas === 'number' ? { replicas: manifest.spec.replicas } : {}),
    labels: keep(manifest.metadata?.labels),
    annotations: keep(manifest.metadata?.annotations),
    images: (manifest.spec?.template?.spec?.containers ?? [])
      .map((c, index) => ({ index, container: c.name ?? '', image: c.image ?? '' }))
      .filter((c) => c.image),
    from,
  };
}

/** fieldsV1 of a server-side apply: the keys git set (`f:replicas`), no values: those come from the live object. */
function declaredFromFields(fields: Record<string, unknown>, live: DeploymentLike): Declared {
  const at = (path: string[]): Record<string, unknown> | undefined =>
    path.reduce<Record<string, unknown> | undefined>((node, key) => node?.[key] as Record<string, unknown> | undefined, fields);
  const keys = (node: Record<string, unknown> | undefined) =>
    Object.keys(node ?? {})
      .filter((k) => k.startsWith('f:'))
      .map((k) => k.slice(2));
  const pick = (record: Record<string, string> | undefined, names: string[]) =>
    Object.fromEntries(names.filter((name) => record?.[name] !== undefined && !NOT_GITS.test(name)).map((name) => [name, record![name]!]));
  const containers = at(['f:spec', 'f:template', 'f:spec', 'f:containers']) ?? {};
  const images = (live.spec?.template?.spec?.containers ?? [])
    .map((c, index) => ({ index, container: c.name ?? '', image: c.image ?? '' }))
    .filter((c) => (containers[`k:{"name":"${c.container}"}`] as Record<string, unknown> | undefined)?.['f:image'] !== undefined);
  return {
    ...(at(['f:spec', 'f:replicas']) !== undefined && typeof live.spec?.replicas === 'number' ? { replicas: live.spec.replicas } : {}),
    labels: pick(live.metadata?.labels, keys(at(['f:metadata', 'f:labels']))),
    annotations: pick(live.metadata?.annotations, keys(at(['f:metadata', 'f:annotations']))),
    images,
    from: 'the managed fields of argocd-controller (server-side apply)',
  };
}

/**
 * What git declares of the live Deployment: the manifest Argo CD last applied (client-side apply, its default),
 * else the fields Argo CD owns (server-side apply), else the manifest given (the suite's copy of the repository).
 */
export function declaredFields(live: DeploymentLike, fallback?: { manifest: DeploymentLike; from: string }): Declared | undefined {
  const lastApplied = live.metadata?.annotations?.[LAST_APPLIED];
  if (lastApplied) {
    try {
      return declaredFrom(JSON.parse(lastApplied) as DeploymentLike, 'the last-applied-configuration Argo CD wrote');
    } catch {
      // not JSON: look further
    }
  }
  const owned = live.metadata?.managedFields?.find((f) => f.manager === 'argocd-controller' && f.operation === 'Apply' && f.fieldsV1);
  if (owned) return declaredFromFields(owned.fieldsV1!, live);
  return fallback ? declaredFrom(fallback.manifest, fallback.from) : undefined;
}

/** A label value the API accepts: at most 63 characters, alphanumeric at both ends. */
const driftedValue = (value: string): string => (value && `${value}-iot-drift`.length <= 63 ? `${value}-iot-drift` : 'iot-drift');

function metadataDrift(kind: 'label' | 'annotation', key: string, value: string): Drift {
  const path = `/metadata/${kind === 'label' ? 'labels' : 'annotations'}/${pointerToken(key)}`;
  const drifted = kind === 'label' ? driftedValue(value) : `${value} (changed by hand: iot suite)`;
  const read = (live: DeploymentLike) => (kind === 'label' ? live.metadata?.labels : live.metadata?.annotations)?.[key];
  return {
    description: `${kind} ${key}: "${value}" → "${drifted}"`,
    change: [{ op: 'replace', path, value: drifted }],
    undo: [{ op: 'replace', path, value }],
    reverted: (live) =>
      read(live) === value ? { reverted: true } : { reverted: false, now: `${kind} ${key} is "${read(live) ?? '(none)'}"` },
  };
}

/** The change to make by hand: a field git declares, the least disruptive first. */
export function planDrift(declared: Declared): Drift {
  if (declared.replicas !== undefined) {
    const want = declared.replicas;
    const drift = want + 2;
    return {
      description: `spec.replicas ${want} → ${drift}`,
      change: [{ op: 'replace', path: '/spec/replicas', value: drift }],
      undo: [{ op: 'replace', path: '/spec/replicas', value: want }],
      reverted: (live) =>
        (live.spec?.replicas ?? 1) === want ? { reverted: true } : { reverted: false, now: `spec.replicas is ${live.spec?.replicas ?? 1}` },
    };
  }
  const annotation = Object.entries(declared.annotations)[0];
  if (annotation) return metadataDrift('annotation', annotation[0], annotation[1]);
  const label = Object.entries(declared.labels)[0];
  if (label) return metadataDrift('label', label[0], label[1]);
  const image = declared.images[0];
  if (!image) throw new Error(`git declares no replicas, annotation, label or image of this Deployment (read from ${declared.from})`);
  const path = `/spec/template/spec/containers/${image.index}/image`;
  const drifted = `${image.image.replace(/:[^:/@]+$/, '')}:iot-drift`;
  return {
    description: `image of container ${image.container}: ${image.image} → ${drifted}`,
    change: [{ op: 'replace', path, value: drifted }],
    undo: [{ op: 'replace', path, value: image.image }],
    reverted: (live) => {
      const now = live.spec?.template?.spec?.containers?.[image.index]?.image;
      return now === image.image ? { reverted: true } : { reverted: false, now: `the image is ${now ?? '(none)'}` };
    },
  };
}

export interface SelfHealRound {
  kube: KubeAccess;
  namespace: string;
  name: string;
  /** Where cleanups go: git's value is put back at teardown if Argo CD did not. */
  always: CleanupStack;
  /** kubectl's arguments for the cluster (the detached teardown's form of the undo). */
  kubectlArgs: string[];
  poll: (description: string, expectation: Expectation) => Promise<PollResult>;
  /** The manifest when the live object does not say what git declares (the suite's copy of the repository). */
  fallback?: { manifest: DeploymentLike; from: string };
  /** Whether the Application sets syncPolicy.automated.selfHeal (said while waiting). */
  selfHeal: boolean;
}

/** Changes a declared field by hand and waits until Argo CD puts git's value back; returns what happened. */
export async function selfHealRound(round: SelfHealRound): Promise<string> {
  const { kube, namespace, name } = round;
  const find = async () => (await kube.deployments(namespace)).find((d) => d.metadata?.name === name) as DeploymentLike | undefined;
  const live = await find();
  if (!live) throw new Error(`${namespace}/${name} does not exist`);
  const declared = declaredFields(live, round.fallback);
  if (!declared)
    throw new Error(
      `cannot tell which fields of ${namespace}/${name} git declares (no last-applied-configuration, no managed fields of argocd-controller, no manifest)`,
    );
  const drift = planDrift(declared);
  round.always.push(
    `put back ${namespace}/${name} ${drift.description.split(':')[0]}`,
    () => kube.jsonPatchDeployment(namespace, name, drift.undo),
    {
      kind: 'run',
      cmd: 'kubectl',
      args: [...round.kubectlArgs, '-n', namespace, 'patch', 'deployment', name, '--type', 'json', '-p', JSON.stringify(drift.undo)],
      timeoutMs: 60_000,
    },
  );
  await kube.jsonPatchDeployment(namespace, name, drift.change);
  const changed = Date.now();
  await round.poll(`Argo CD to revert ${namespace}/${name} (${drift.description}, declared in ${declared.from})`, async () => {
    const now = await find();
    if (!now) return failed(`${namespace}/${name} disappeared`);
    const state = drift.reverted(now);
    if (state.reverted) return succeeded('reverted');
    return pending(
      `Argo CD to revert ${namespace}/${name} (${drift.description}; ${state.now}${round.selfHeal ? '' : '; the Application does not set syncPolicy.automated.selfHeal'})`,
    );
  });
  return `${namespace}/${name} changed by hand (${drift.description}, a field git declares, read from ${declared.from}) was put back by Argo CD after ${Math.round((Date.now() - changed) / 1000)} s`;
}
