// The bonus's local GitLab, reached through a kubectl port-forward to its web service. The suite does not sign in
// with the OAuth password grant, which GitLab removes (self-managed: 19.0; docs/upstream-behaviour.md): it
// creates a personal access token for root with `gitlab-rails runner` in the pod that has GitLab's Rails (the
// Helm chart's toolbox, or an omnibus gitlab/gitlab-ce container), checking on the way that the initial root
// password signs root in, uses it as PRIVATE-TOKEN for the REST API (v4), and revokes it at teardown.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { CommandRunner } from '../command-runner.ts';
import type { PodLike } from '../evidence.ts';
import type { KubeAccess } from '../kube-access.ts';
import type { CleanupStack, DetachedStep } from '../teardown.ts';
import { startPortForward, type PortForward } from '../port-forward.ts';
import type { ServiceLike } from '../workload-checks.ts';

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

/** What GitLab needs of the booted part (K3dArgoCd is one). */
export interface GitLabCluster {
  readonly kube: KubeAccess;
  readonly kubectlArgs: string[];
}

interface PodWithImages extends PodLike {
  spec?: { containers?: Array<{ name?: string; image?: string }> };
}

/** A pod and container where `gitlab-rails` runs: the chart's toolbox (label app=toolbox), else an omnibus container. */
export function railsPod(pods: PodWithImages[]): { pod: string; container: string } | undefined {
  const running = pods.filter((p) => p.status?.phase === 'Running' && p.metadata?.name);
  const toolbox = running.find((p) => p.metadata?.labels?.app === 'toolbox');
  if (toolbox) {
    const container = toolbox.spec?.containers?.find((c) => c.name === 'toolbox') ?? toolbox.spec?.containers?.[0];
    return { pod: toolbox.metadata!.name!, container: container?.name ?? 'toolbox' };
  }
  for (const pod of running) {
    const omnibus = pod.spec?.containers?.find((c) => /(^|\/)gitlab\/gitlab-(ce|ee)([:@]|$)/.test(c.image ?? ''));
    if (omnibus) return { pod: pod.metadata!.name!, container: omnibus.name ?? '' };
  }
  return undefined;
}

/** GitLab's documented way to create a token (see the file head); the password comes on stdin, never in argv. */
export function createTokenRuby(token: string): string {
  return [
    'password = STDIN.read.to_s.strip',
    "user = User.find_by_username('root')",
    "abort('GitLab has no user root') unless user",
    "abort('the initial root password does not sign root in (valid_password? is false)') unless user.valid_password?(password)",
    "token = user.personal_access_tokens.create(scopes: ['api'], name: 'iot-conformance-suite', expires_at: 1.day.from_now)",
    `token.set_token('${token}')`,
    'token.save!',
    "puts 'iot-suite: token ready'",
  ].join('\n');
}

export const revokeTokenRuby = (token: string): string => `PersonalAccessToken.find_by_token('${token}')&.revoke!`;

export class GitLab {
  private readonly driver: GitLabCluster;
  private readonly always: CleanupStack;
  private readonly runner: CommandRunner;
  private readonly env?: Record<string, string | undefined>;
  private forward?: PortForward;
  private token?: string;
  /** Where the API is when a test gives one; a port-forward to the web Service otherwise. */
  private readonly fixedUrl?: string;

  constructor(
    driver: GitLabCluster,
    always: CleanupStack,
    runner: CommandRunner,
    options: { env?: Record<string, string | undefined>; baseUrl?: string } = {},
  ) {
    this.driver = driver;
    this.always = always;
    this.runner = runner;
    this.env = options.env;
    this.fixedUrl = options.baseUrl;
  }

  async baseUrl(): Promise<string> {
    if (this.fixedUrl) return this.fixedUrl;
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
      this.always.push('stop the GitLab port-forward', () => forward.stop(), forward.pid ? { kind: 'kill', pid: forward.pid } : undefined);
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

  private railsArgs(where: { pod: string; container: string }, ruby: string): string[] {
    return [
      ...this.driver.kubectlArgs,
      '-n',
      GITLAB_NAMESPACE,
      'exec',
      '-i',
      where.pod,
      ...(where.container ? ['-c', where.container] : []),
      '--',
      'gitlab-rails',
      'runner',
      '-e',
      'production',
      ruby,
    ];
  }

  /**
   * Root signs in: the initial root password is checked by GitLab itself (Devise's valid_password?) and a
   * personal access token is created for root, revoked at teardown. Returns the token.
   */
  async signIn(password: string): Promise<string> {
    const where = railsPod((await this.driver.kube.pods(GITLAB_NAMESPACE)) as PodWithImages[]);
    if (!where)
      throw new Error(
        `no pod in namespace ${GITLAB_NAMESPACE} can run gitlab-rails (neither the Helm chart's toolbox, label app=toolbox, nor a gitlab/gitlab-ce or gitlab-ee container)`,
      );
    // 20 characters, as GitLab's documentation asks of a token set this way.
    const token = `iot${randomBytes(16)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 17)
      .padEnd(17, '0')}`;
    const revoke: DetachedStep = { kind: 'run', cmd: 'kubectl', args: this.railsArgs(where, revokeTokenRuby(token)), timeoutMs: 300_000 };
    this.always.push(
      'revoke the GitLab token of the suite',
      async () => {
        const result = await this.runner.run('kubectl', revoke.args, { env: this.env, timeoutMs: 300_000 });
        if (result.exitCode !== 0) throw new Error(`revoking it failed: ${(result.stderr || result.stdout).trim().split('\n').at(-1)}`);
      },
      revoke,
    );
    // Rails boots in the runner: a minute is common.
    const result = await this.runner.run('kubectl', this.railsArgs(where, createTokenRuby(token)), {
      env: this.env,
      input: `${password}\n`,
      timeoutMs: 600_000,
    });
    if (result.exitCode !== 0 || !result.stdout.includes('iot-suite: token ready'))
      throw new Error(
        `root cannot sign in: gitlab-rails runner in ${where.pod} says: ${(result.stderr || result.stdout).trim().split('\n').at(-1) || `exit ${result.exitCode}`}`,
      );
    this.token = token;
    return token;
  }

  async api<T>(path: string, options: { method?: 'GET' | 'PUT' | 'POST'; body?: object } = {}): Promise<T> {
    if (!this.token) throw new Error('not signed in to GitLab');
    const response = await request(`${await this.baseUrl()}/api/v4${path}`, {
      method: options.method ?? 'GET',
      headers: { 'private-token': this.token, ...(options.body ? { 'content-type': 'application/json' } : {}) },
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
