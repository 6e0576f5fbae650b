// Judging an Argo CD Application as the API shows it (the shape of `kubectl get applications -o json`).
import { failed, pending, succeeded, type Verdict } from './expectation.ts';

export interface ApplicationSource {
  repoURL?: string;
  path?: string;
  targetRevision?: string;
  [key: string]: unknown;
}

export interface ApplicationLike {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean; enabled?: boolean } | null };
  };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string; syncResult?: { revision?: string } };
    conditions?: Array<{ type?: string; message?: string }>;
    resources?: Array<{
      group?: string;
      kind?: string;
      name?: string;
      namespace?: string;
      status?: string;
      health?: { status?: string; message?: string };
    }>;
  };
}

export const appName = (app: ApplicationLike): string => `${app.metadata?.namespace ?? 'argocd'}/${app.metadata?.name ?? '?'}`;
export const shortSha = (sha: string | undefined): string => (sha ? sha.slice(0, 7) : 'no revision');

/** The Application the subject asks for: the one deploying into namespace dev; else the only one. */
export function pickApplication(apps: ApplicationLike[], namespace = 'dev'): ApplicationLike | undefined {
  return apps.find((app) => app.spec?.destination?.namespace === namespace) ?? (apps.length === 1 ? apps[0] : undefined);
}

export function describeApplication(app: ApplicationLike): string {
  const s = app.status ?? {};
  const problems = [
    ...(s.conditions ?? []).map((c) => `${c.type}: ${c.message}`),
    ...(s.operationState && s.operationState.phase !== 'Succeeded' && s.operationState.message
      ? [`operation ${s.operationState.phase}: ${s.operationState.message}`]
      : []),
    ...(s.health?.message ? [s.health.message] : []),
  ];
  const outOfSync = (s.resources ?? []).filter((r) => r.status && r.status !== 'Synced').map((r) => `${r.kind}/${r.name} ${r.status}`);
  return [
    `${appName(app)} ${s.sync?.status ?? 'Unknown'}/${s.health?.status ?? 'Unknown'} at ${shortSha(s.sync?.revision)}`,
    ...(outOfSync.length ? [`out of sync: ${outOfSync.join(', ')}`] : []),
    ...problems,
  ].join('; ');
}

/** Synced and Healthy. Errors that Argo CD retries (repo unreachable, sync failed) stay pending with their message. */
export function applicationSyncedHealthy(app: ApplicationLike | undefined): Verdict {
  if (!app) return pending('an Argo CD Application deploying to namespace dev (none found)');
  const s = app.status ?? {};
  if (s.sync?.status === 'Synced' && s.health?.status === 'Healthy') return succeeded(describeApplication(app));
  return pending(`Application Synced and Healthy (${describeApplication(app)})`);
}

/** Synced at exactly this commit (and Healthy). */
export function applicationAtRevision(app: ApplicationLike | undefined, sha: string): Verdict {
  if (!app) return failed('the Application disappeared');
  const s = app.status ?? {};
  if (s.sync?.revision !== sha) return pending(`Application synced to ${shortSha(sha)} (${describeApplication(app)})`);
  return applicationSyncedHealthy(app);
}

/** The source to repoint, or why it cannot be. */
export function singleSource(app: ApplicationLike): { ok: true; source: ApplicationSource } | { ok: false; message: string } {
  if (app.spec?.sources?.length)
    return { ok: false, message: `${appName(app)} uses spec.sources (several sources); the v1 → v2 check repoints a single spec.source` };
  if (!app.spec?.source?.repoURL) return { ok: false, message: `${appName(app)} has no spec.source.repoURL` };
  return { ok: true, source: app.spec.source };
}

export const selfHealEnabled = (app: ApplicationLike): boolean => app.spec?.syncPolicy?.automated?.selfHeal === true;

/**
 * The Argo CD API server through the Kubernetes API's service proxy. argocd-server speaks TLS on its port 8080
 * (Service ports 443 and 80) unless `server.insecure: "true"`, in which case it serves plain HTTP only and the
 * https route fails ("error trying to reach service: …"): the http route is tried next.
 */
export const ARGOCD_SERVER_ROUTES = [
  { route: 'https:argocd-server:443', path: '/api/v1/namespaces/argocd/services/https:argocd-server:443/proxy/api/version' },
  {
    route: 'http:argocd-server:80, plain HTTP (server.insecure)',
    path: '/api/v1/namespaces/argocd/services/http:argocd-server:80/proxy/api/version',
  },
];

const firstLine = (text: string): string => text.trim().split('\n')[0] ?? '';

/** Whether the API server reports its version on one of the routes; kubectl runs `kubectl <args>` and returns stdout. */
export async function argocdServerAnswers(kubectl: (args: string[]) => Promise<string>): Promise<Verdict> {
  const tried: string[] = [];
  for (const { route, path } of ARGOCD_SERVER_ROUTES) {
    try {
      const raw = await kubectl(['get', '--raw', path]);
      const version = (JSON.parse(raw) as { Version?: string }).Version;
      if (version) return succeeded(`API server ${version} (through ${route})`);
      tried.push(`${route}: no version in ${firstLine(raw).slice(0, 80)}`);
    } catch (error) {
      const result = (error as { result?: { stderr?: string } }).result;
      tried.push(`${route}: ${firstLine(result?.stderr || (error as Error).message)}`);
    }
  }
  return pending(`the Argo CD API server to report its version (${tried.join('; ')})`);
}
