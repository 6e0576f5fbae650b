// The bonus's local GitLab, reached through a kubectl port-forward to its web service: root signs in with the
// password grant, projects and files are read and changed through the REST API (v4).
import { request } from 'undici';
import type { CleanupStack } from '../teardown.ts';
import { startPortForward, type PortForward } from '../port-forward.ts';
import type { ServiceLike } from '../workload-checks.ts';
import type { K3dArgoCd } from './k3d-argocd.ts';

export const GITLAB_NAMESPACE = 'gitlab';
const WEB_PORTS = [8181, 8080, 80, 443];

/** The Service serving GitLab's web UI: the Helm chart's *-webservice-default, else one on a web port. */
export function gitlabWebService(services: ServiceLike[]): { name: string; port: number } | undefined {
  const ranked = [
    ...services.filter((s) => /webservice/.test(s.metadata?.name ?? '')),
    ...services.filter(
      (s) =>
        /gitlab/.test(s.metadata?.name ?? '') &&
        !/(redis|postgres|gitaly|minio|shell|registry|kas|exporter|pages)/.test(s.metadata?.name ?? ''),
    ),
    ...services,
  ];
  for (const service of ranked) {
    const port = WEB_PORTS.find((p) => (service.spec?.ports ?? []).some((sp) => sp.port === p));
    if (port) return { name: service.metadata?.name ?? '', port };
  }
  return undefined;
}

/** Secret names that hold the initial root password (Helm chart: <release>-gitlab-initial-root-password). */
export const isRootPasswordSecret = (name: string): boolean => /initial-root-password|root-password|gitlab-root/.test(name);

export interface GitLabProject {
  id: number;
  path_with_namespace: string;
  default_branch?: string;
  http_url_to_repo?: string;
}

export class GitLab {
  private readonly driver: K3dArgoCd;
  private readonly always: CleanupStack;
  private forward?: PortForward;
  private token?: string;

  constructor(driver: K3dArgoCd, always: CleanupStack) {
    this.driver = driver;
    this.always = always;
  }

  async baseUrl(): Promise<string> {
    if (!this.forward?.alive()) {
      const web = gitlabWebService(await this.driver.kube.services(GITLAB_NAMESPACE));
      if (!web) throw new Error(`no Service in namespace ${GITLAB_NAMESPACE} serves GitLab's web port (${WEB_PORTS.join(', ')})`);
      this.forward = await startPortForward({
        kubectlArgs: this.driver.kubectlArgs,
        namespace: GITLAB_NAMESPACE,
        resource: `svc/${web.name}`,
        remotePort: web.port,
      });
      const forward = this.forward;
      this.always.push('stop the GitLab port-forward', () => forward.stop());
    }
    return this.forward.url.replace(/\/$/, '');
  }

  async rootPassword(): Promise<string | undefined> {
    const names = (await this.driver.kube.secretNames(GITLAB_NAMESPACE)).filter(isRootPasswordSecret);
    for (const name of names) {
      for (const key of ['password', 'GITLAB_ROOT_PASSWORD', 'root-password']) {
        const value = await this.driver.kube.secretValue(GITLAB_NAMESPACE, name, key);
        if (value) return value.trim();
      }
    }
    return undefined;
  }

  async signInPage(): Promise<number> {
    const response = await request(`${await this.baseUrl()}/users/sign_in`, { method: 'GET', headersTimeout: 15_000, bodyTimeout: 15_000 });
    await response.body.dump();
    return response.statusCode;
  }

  /** OAuth password grant as root; returns the access token. */
  async signIn(password: string): Promise<string> {
    const response = await request(`${await this.baseUrl()}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'root', password }).toString(),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const body = (await response.body.json().catch(() => ({}))) as { access_token?: string; error_description?: string; error?: string };
    if (response.statusCode !== 200 || !body.access_token)
      throw new Error(`root cannot sign in (HTTP ${response.statusCode}: ${body.error_description ?? body.error ?? 'no token'})`);
    this.token = body.access_token;
    return body.access_token;
  }

  async api<T>(path: string, options: { method?: 'GET' | 'PUT' | 'POST'; body?: object } = {}): Promise<T> {
    if (!this.token) throw new Error('not signed in to GitLab');
    const response = await request(`${await this.baseUrl()}/api/v4${path}`, {
      method: options.method ?? 'GET',
      headers: { authorization: `Bearer ${this.token}`, ...(options.body ? { 'content-type': 'application/json' } : {}) },
      body: options.body ? JSON.stringify(options.body) : undefined,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await response.body.text();
    if (response.statusCode >= 300)
      throw new Error(`GitLab API ${options.method ?? 'GET'} ${path}: HTTP ${response.statusCode} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  projects(): Promise<GitLabProject[]> {
    return this.api<GitLabProject[]>('/projects?per_page=50&simple=true&order_by=last_activity_at');
  }

  async yamlFiles(project: GitLabProject): Promise<Array<{ path: string; text: string }>> {
    const ref = encodeURIComponent(project.default_branch ?? 'main');
    const tree = await this.api<Array<{ path: string; type: string }>>(
      `/projects/${project.id}/repository/tree?recursive=true&per_page=100&ref=${ref}`,
    ).catch(() => []);
    const files: Array<{ path: string; text: string }> = [];
    for (const entry of tree.filter((e) => e.type === 'blob' && /\.ya?ml$/.test(e.path)).slice(0, 30)) {
      const file = await this.api<{ content: string }>(
        `/projects/${project.id}/repository/files/${encodeURIComponent(entry.path)}?ref=${ref}`,
      );
      files.push({ path: entry.path, text: Buffer.from(file.content, 'base64').toString('utf8') });
    }
    return files;
  }

  /** Commits a new content for one file on the branch; returns the new head commit. */
  async commitFile(project: GitLabProject, path: string, content: string, message: string): Promise<string> {
    const branch = project.default_branch ?? 'main';
    await this.api(`/projects/${project.id}/repository/files/${encodeURIComponent(path)}`, {
      method: 'PUT',
      body: { branch, content, commit_message: message },
    });
    const head = await this.api<{ commit: { id: string } }>(`/projects/${project.id}/repository/branches/${encodeURIComponent(branch)}`);
    return head.commit.id;
  }
}
