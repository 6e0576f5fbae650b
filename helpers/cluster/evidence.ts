// Evidence on failure: what a person would look at next (nodes, pods, events, describe of what is not ready,
// the K3s journal, Argo CD's Application and controller logs), written under reports/<part>/<check>/ and
// named in the failure message. Collecting never throws: a source that fails writes why instead.
import { writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { makeFolder } from '../config/make-folder.ts';
import { PROJECT_ROOT } from '../config/env.ts';

export interface EvidenceSource {
  /** File name under the check's folder, e.g. "pods.txt". */
  file: string;
  collect: () => Promise<string>;
}

export interface EvidenceResult {
  /** Written files, relative to the project root, posix separators. */
  files: string[];
  /** The folder, relative to the project root. */
  folder: string;
  durationMs: number;
}

const toPosix = (path: string): string => path.split(sep).join('/');

export async function collectEvidence(options: {
  reportsDir: string;
  part: string;
  checkId: string;
  sources: EvidenceSource[];
  extra?: Record<string, string>;
  projectRoot?: string;
  perSourceTimeoutMs?: number;
}): Promise<EvidenceResult> {
  const started = Date.now();
  const root = options.projectRoot ?? PROJECT_ROOT;
  const folder = join(options.reportsDir, options.part, options.checkId);
  makeFolder(folder);
  const files: string[] = [];
  const write = async (file: string, text: string) => {
    const path = join(folder, file);
    await writeFile(path, text.endsWith('\n') ? text : `${text}\n`);
    files.push(toPosix(relative(root, path)));
  };
  for (const [file, text] of Object.entries(options.extra ?? {})) await write(file, text);
  for (const source of options.sources) {
    let text: string;
    try {
      text = await withTimeout(source.collect(), options.perSourceTimeoutMs ?? 60_000);
    } catch (error) {
      text = `could not collect ${source.file}: ${(error as Error).message}`;
    }
    await write(source.file, text);
  }
  return { files, folder: toPosix(relative(root, folder)), durationMs: Date.now() - started };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]);
}

/** A pod as `kubectl get pods -o json` and the API describe it (only the fields read here). */
export interface PodLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  status?: {
    phase?: string;
    conditions?: Array<{ type?: string; status?: string }>;
    containerStatuses?: Array<{
      name?: string;
      ready?: boolean;
      state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string } };
    }>;
  };
}

/** Pods that are neither Succeeded nor Ready, with the reason a person would want first. */
export function notReadyPods(pods: PodLike[]): Array<{ namespace: string; name: string; reason: string }> {
  return pods
    .filter((pod) => pod.status?.phase !== 'Succeeded')
    .filter((pod) => !(pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((pod) => {
      const waiting = (pod.status?.containerStatuses ?? [])
        .map((c) => c.state?.waiting?.reason ?? c.state?.terminated?.reason)
        .find(Boolean);
      return {
        namespace: pod.metadata?.namespace ?? 'default',
        name: pod.metadata?.name ?? '?',
        reason: waiting ?? pod.status?.phase ?? 'Unknown',
      };
    });
}

/** Runs kubectl somewhere (on the host with a context, or inside a VM over vagrant ssh) and returns stdout. */
export type Kubectl = (args: string[]) => Promise<string>;

/** The Kubernetes evidence every part shares. */
export function kubernetesEvidence(kubectl: Kubectl, options: { argocd?: boolean; describeLimit?: number } = {}): EvidenceSource[] {
  const sources: EvidenceSource[] = [
    { file: 'nodes.txt', collect: () => kubectl(['get', 'nodes', '-o', 'wide']) },
    { file: 'pods.txt', collect: () => kubectl(['get', 'pods', '-A', '-o', 'wide']) },
    { file: 'events.txt', collect: () => kubectl(['get', 'events', '-A', '--sort-by=.lastTimestamp']) },
    {
      file: 'not-ready.txt',
      collect: async () => {
        const list = JSON.parse(await kubectl(['get', 'pods', '-A', '-o', 'json'])) as { items?: PodLike[] };
        const pods = notReadyPods(list.items ?? []).slice(0, options.describeLimit ?? 10);
        if (pods.length === 0) return 'every pod is Ready (or Succeeded)';
        const parts: string[] = [];
        for (const pod of pods) {
          parts.push(`### ${pod.namespace}/${pod.name}: ${pod.reason}`);
          parts.push(
            await kubectl(['describe', 'pod', '-n', pod.namespace, pod.name]).catch((error: Error) => `describe failed: ${error.message}`),
          );
        }
        return parts.join('\n');
      },
    },
  ];
  if (options.argocd) {
    sources.push(
      { file: 'argocd-applications.yaml', collect: () => kubectl(['get', 'applications.argoproj.io', '-A', '-o', 'yaml']) },
      {
        file: 'argocd-application-controller.log',
        collect: () => kubectl(['logs', '-n', 'argocd', 'statefulset/argocd-application-controller', '--tail=400']),
      },
      { file: 'argocd-repo-server.log', collect: () => kubectl(['logs', '-n', 'argocd', 'deployment/argocd-repo-server', '--tail=200']) },
    );
  }
  return sources;
}
