// Part 3's v1 → v2 loop without GitHub credentials: the suite serves a git repository itself, seeded with
// the target's app manifests, points the Application at it (http://host.k3d.internal:<port>/iot-app.git)
// for the duration of the checks, commits v1 → v2, and restores the Application afterwards.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative, sep } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { SubjectPart } from '../../target/layout.ts';
import type { Target } from '../../target/repository.ts';
import {
  applicationAtRevision,
  appName,
  pickApplication,
  shortSha,
  singleSource,
  type ApplicationLike,
  type ApplicationSource,
} from '../argocd-checks.ts';
import type { BootLog } from '../boot.ts';
import type { CommandRunner } from '../command-runner.ts';
import { allOf, failed, pending, succeeded, type Expectation, type PollResult } from '../expectation.ts';
import type { EvidenceSource } from '../evidence.ts';
import { formatRequests, listenAddressFor, startGitServer, type GitServer } from '../git-server.ts';
import { cloneShallow, GitWorkspace, retag } from '../git-workspace.ts';
import { answeredVersion, excerpt, type HttpAnswer } from '../http-probe.ts';
import type { JsonPatchOp, KubeAccess } from '../kube-access.ts';
import type { DeploymentLike } from '../self-heal.ts';
import type { CleanupStack, DetachedStep } from '../teardown.ts';

interface ManifestDoc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

const SKIPPED_KINDS = new Set(['Application', 'AppProject', 'ApplicationSet']);
const IMAGE_TAG = /^\s*-?\s*image:\s*["']?[^\s"'#]+:(v\d+)["']?\s*(#.*)?$/m;

/**
 * The target's app manifests: the folder of the part holding a Deployment whose image is tagged v<N>,
 * its YAML documents minus Argo CD's own kinds and objects meant for another namespace than dev.
 */
export function appManifestsFromTarget(target: Target, part: SubjectPart): { folder: string; files: Record<string, string> } | undefined {
  const yaml = target.filesOf(part).filter((f) => /\.ya?ml$/.test(f.path) && f.text !== undefined);
  const home = yaml.find((f) => /\bkind:\s*Deployment\b/.test(f.text!) && IMAGE_TAG.test(f.text!));
  if (!home) return undefined;
  const folder = posix.dirname(home.path);
  const files: Record<string, string> = {};
  for (const file of yaml.filter((f) => posix.dirname(f.path) === folder)) {
    const kept = parseAllDocuments(file.text!)
      .map((doc) => doc.toJS() as ManifestDoc | null)
      .filter((obj): obj is ManifestDoc => !!obj && typeof obj === 'object' && typeof obj.kind === 'string')
      .filter(
        (obj) =>
          !SKIPPED_KINDS.has(obj.kind!) &&
          (!obj.metadata?.namespace || obj.metadata.namespace === 'dev') &&
          !(obj.kind === 'Namespace' && obj.metadata?.name !== 'dev'),
      );
    if (kept.length) files[posix.basename(file.path)] = kept.map((obj) => stringify(obj)).join('---\n');
  }
  return { folder, files };
}

/** The Deployment of that name among the target's app manifests, as git would declare it (P3L-SELF-HEAL's fallback). */
export function declaredDeployment(
  target: Target,
  part: SubjectPart,
  name: string,
): { manifest: DeploymentLike; from: string } | undefined {
  const seed = appManifestsFromTarget(target, part);
  for (const [file, text] of Object.entries(seed?.files ?? {})) {
    for (const doc of parseAllDocuments(text)) {
      const object = doc.toJS() as (DeploymentLike & { kind?: string }) | null;
      if (object?.kind === 'Deployment' && object.metadata?.name === name)
        return { manifest: object, from: `${seed!.folder}/${file} of the target` };
    }
  }
  return undefined;
}

async function readTree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.ya?ml$/.test(entry.name)) files[relative(dir, full).split(sep).join('/')] = await readFile(full, 'utf8');
    }
  };
  await walk(dir);
  return files;
}

/**
 * IOT_P3_PUSH=1: the same v1 → v2 change pushed to the Application's real repository with the user's own git
 * credentials, then reverted and pushed again. Returns the milliseconds from push to the app answering v2.
 */
export async function pushRoundToOrigin(
  options: GitOpsLoopOptions,
  poll: Poll,
  tmp: string,
): Promise<{ sha: string; ms: number; repo: string }> {
  const { driver, runner, env } = options;
  const app = pickApplication(await driver.kube.applications());
  if (!app) throw new Error('no Argo CD Application deploys to namespace dev');
  const source = singleSource(app);
  if (!source.ok) throw new Error(source.message);
  const { repoURL, path = '.', targetRevision } = source.source;
  const clone = join(tmp, 'origin-push');
  await cloneShallow(runner, repoURL!, targetRevision, clone, env);
  const git = (args: string[]) =>
    runner.run('git', args, { cwd: clone, env: { ...(env ?? process.env), GIT_TERMINAL_PROMPT: '0' }, timeoutMs: 120_000 });
  const files = await readTree(join(clone, path));
  const { writeFile } = await import('node:fs/promises');
  let changes = 0;
  for (const [file, text] of Object.entries(files)) {
    const out = retag(text, 'v1', 'v2');
    if (out.changes) await writeFile(join(clone, path, file), out.text);
    changes += out.changes;
  }
  if (!changes) throw new Error(`${repoURL} (${path}) has no image tagged v1 to change`);
  const ns = app.metadata?.namespace ?? 'argocd';
  const name = app.metadata?.name ?? '';
  const refresh = () => driver.kube.patchApplication(ns, name, { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } });
  const step = async (message: string): Promise<string> => {
    for (const args of [
      ['add', '--all'],
      ['commit', '-m', message],
      ['push', 'origin', 'HEAD'],
    ]) {
      const result = await git(args);
      if (result.exitCode !== 0) throw new Error(`git ${args[0]} in the clone of ${repoURL} failed: ${result.stderr.trim()}`);
    }
    return (await git(['rev-parse', 'HEAD'])).stdout.trim();
  };
  const version = async (sha: string, v: string) =>
    allOf(
      async () => applicationAtRevision(await driver.kube.application(ns, name), sha),
      async () =>
        answeredVersion((await driver.appAnswer()).body) === v ? succeeded(`the app answers ${v}`) : pending(`the app to answer ${v}`),
    );
  const sha = await step('iot suite: v1 → v2');
  const started = Date.now();
  await refresh();
  await poll(`${repoURL} at ${shortSha(sha)} answering v2`, await version(sha, 'v2'), { phase: 'github' });
  const ms = Date.now() - started;
  const revertResult = await git(['revert', '--no-edit', 'HEAD']);
  if (revertResult.exitCode !== 0) throw new Error(`git revert in the clone of ${repoURL} failed: ${revertResult.stderr.trim()}`);
  const pushBack = await git(['push', 'origin', 'HEAD']);
  if (pushBack.exitCode !== 0)
    throw new Error(`pushing the revert to ${repoURL} failed: ${pushBack.stderr.trim()}; revert ${shortSha(sha)} by hand`);
  const back = (await git(['rev-parse', 'HEAD'])).stdout.trim();
  await refresh();
  await poll(`${repoURL} back at v1 (${shortSha(back)})`, await version(back, 'v1'), { phase: 'github' });
  return { sha, ms, repo: repoURL! };
}

export type Poll = (description: string, expectation: Expectation, options?: { timeoutMs?: number; phase?: string }) => Promise<PollResult>;

/** What the loop needs of the booted part (K3dArgoCd is one; self-tests give a fake). */
export interface GitOpsCluster {
  readonly part: SubjectPart;
  readonly cluster?: string;
  readonly kube: KubeAccess;
  readonly kubectlArgs: string[];
  appRoute: string;
  appAnswer(namespace?: string, path?: string): Promise<HttpAnswer>;
  /** Evidence written when a check fails (the git server's request log). */
  addEvidence?(source: EvidenceSource): void;
}

export interface GitOpsLoopOptions {
  driver: GitOpsCluster;
  target: Target;
  runner: CommandRunner;
  log: BootLog;
  always: CleanupStack;
  env?: Record<string, string | undefined>;
}

/** The cluster cannot reach the suite's git server: the host's doing (a firewall), not the student's. */
export class GitServerUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitServerUnreachable';
  }
}

/** A detached-teardown step: the same JSON patch with kubectl (teardown-handover.ts). */
function kubectlJsonPatch(kubectlArgs: string[], namespace: string, resource: string, name: string, ops: JsonPatchOp[]): DetachedStep {
  return {
    kind: 'run',
    cmd: 'kubectl',
    args: [...kubectlArgs, '-n', namespace, 'patch', resource, name, '--type', 'json', '-p', JSON.stringify(ops)],
    timeoutMs: 60_000,
  };
}

/** git's own words when it cannot reach a server ("fatal: unable to access '…': Failed to connect …"). */
const GIT_UNREACHABLE = /unable to access|could not resolve host|failed to connect|connection (refused|timed out)|timed out/i;

export class GitOpsLoop {
  readonly app: ApplicationLike;
  readonly namespace: string;
  readonly name: string;
  readonly seededFrom: string;
  /** Commits in order: the v1 seed, then each change. */
  readonly commits: Array<{ sha: string; message: string }> = [];
  private readonly options: GitOpsLoopOptions;
  private readonly server: GitServer;
  private readonly workspace: GitWorkspace;
  private readonly original: ApplicationSource;
  /** What to undo of the AppProject once the rounds are over (nothing when it already allowed the URL). */
  private projectRestore?: { namespace: string; name: string; ops: JsonPatchOp[] };
  private restored = false;

  private constructor(
    options: GitOpsLoopOptions,
    app: ApplicationLike,
    original: ApplicationSource,
    server: GitServer,
    workspace: GitWorkspace,
    seededFrom: string,
  ) {
    this.options = options;
    this.app = app;
    this.original = original;
    this.namespace = app.metadata?.namespace ?? 'argocd';
    this.name = app.metadata?.name ?? '';
    this.server = server;
    this.workspace = workspace;
    this.seededFrom = seededFrom;
  }

  get repoUrl(): string {
    return this.server.url(this.workspace.repo);
  }

  /**
   * Serves the seed at v1, checks that the cluster reaches the server, allows it in the Application's
   * AppProject, points the Application at it and waits until the app answers v1 at that commit.
   */
  static async start(options: GitOpsLoopOptions, poll: Poll): Promise<GitOpsLoop> {
    const { driver, log, always } = options;
    const app = pickApplication(await driver.kube.applications());
    if (!app) throw new Error('no Argo CD Application deploys to namespace dev');
    const source = singleSource(app);
    if (!source.ok) throw new Error(source.message);
    const original: ApplicationSource = structuredClone(source.source);

    const tmp = await mkdtemp(join(tmpdir(), 'iot-gitops-'));
    always.push('remove the git server folder', () => rm(tmp, { recursive: true, force: true }), { kind: 'remove', path: tmp });
    let seed = appManifestsFromTarget(options.target, driver.part);
    let seededFrom = seed ? `${seed.folder}/ of the target` : '';
    if (!seed) {
      const clone = join(tmp, 'origin');
      await cloneShallow(options.runner, original.repoURL!, original.targetRevision, clone, options.env);
      const files = await readTree(join(clone, original.path ?? '.'));
      if (!Object.values(files).some((text) => IMAGE_TAG.test(text)))
        throw new Error(
          `neither the target nor ${original.repoURL} (${original.path ?? '.'}) holds a Deployment with an image tagged v<N>`,
        );
      seed = { folder: original.path ?? '.', files };
      seededFrom = `${original.repoURL} ${original.path ?? '.'}`;
    }

    const gateway =
      (
        await options.runner.run(
          'docker',
          ['network', 'inspect', `k3d-${driver.cluster}`, '--format', '{{(index .IPAM.Config 0).Gateway}}'],
          { env: options.env, timeoutMs: 30_000 },
        )
      ).stdout.trim() || undefined;
    const listen = listenAddressFor(gateway);
    const server = await startGitServer({ root: join(tmp, 'srv'), listen, publicHost: 'host.k3d.internal', env: options.env });
    always.push('stop the suite git server', () => server.close());
    driver.addEvidence?.({ file: 'git-server-requests.txt', collect: async () => formatRequests(server.requests) });
    const workspace = await GitWorkspace.create({
      runner: options.runner,
      serverRoot: join(tmp, 'srv'),
      workDir: join(tmp, 'work'),
      name: 'iot-app',
      env: options.env,
    });
    const atV1: Record<string, string> = {};
    for (const [path, text] of Object.entries(seed.files)) atV1[path] = retag(text, 'v2', 'v1').text;
    await workspace.writeFiles(atV1);

    const loop = new GitOpsLoop(options, app, original, server, workspace, seededFrom);
    const v1 = await loop.commitAndPush('iot suite: app manifests at v1');
    await loop.checkReachable(gateway, listen);
    log.note(
      `git server ${loop.repoUrl} serves ${seededFrom} at ${shortSha(v1)}; repointing ${appName(app)} (was ${original.repoURL} ${original.path ?? ''} @ ${original.targetRevision ?? 'HEAD'})`,
    );

    // Exact: the source as it was, field for field (an Application without targetRevision gets none back).
    const restoreSource: JsonPatchOp[] = [{ op: 'replace', path: '/spec/source', value: original }];
    always.push(
      `restore ${appName(app)} to ${original.repoURL}`,
      () => loop.restore(),
      kubectlJsonPatch(driver.kubectlArgs, loop.namespace, 'applications.argoproj.io', loop.name, restoreSource),
    );
    try {
      await loop.allowInProject();
      await driver.kube.patchApplication(loop.namespace, loop.name, {
        spec: { source: { repoURL: loop.repoUrl, path: '.', targetRevision: workspace.branch } },
      });
      await loop.refresh();
      await poll(`${appName(app)} synced to the suite's repository at v1 (${shortSha(v1)})`, loop.answers(v1, 'v1'), { phase: 'seed' });
    } catch (error) {
      // The caller never gets this loop: put the Application back now, not at teardown.
      await loop.restore().catch(() => {});
      throw error;
    }
    return loop;
  }

  /**
   * Asks from inside the cluster, the way Argo CD will: `git ls-remote` in the argocd-repo-server pod. When git
   * there cannot reach the server, the round would only time out and blame the Application.
   */
  private async checkReachable(gateway: string | undefined, listen: string): Promise<void> {
    const { driver, runner, env, log } = this.options;
    const pods = await driver.kube.pods('argocd', 'app.kubernetes.io/name=argocd-repo-server');
    const pod = pods.find((p) => p.status?.phase === 'Running')?.metadata?.name;
    if (!pod) {
      log.note('no running argocd-repo-server pod to test the git server from; repointing without the test');
      return;
    }
    const result = await runner.run(
      'kubectl',
      [...driver.kubectlArgs, '-n', 'argocd', 'exec', pod, '--', 'git', 'ls-remote', this.repoUrl],
      {
        env,
        timeoutMs: 90_000,
      },
    );
    if (result.exitCode === 0) {
      log.note(`argocd-repo-server (${pod}) reaches ${this.repoUrl}`);
      return;
    }
    const said = (result.stderr || result.stdout).trim();
    if (!GIT_UNREACHABLE.test(said)) {
      log.note(
        `could not test the git server from ${pod} (${said.split('\n')[0] || `exit ${result.exitCode}`}); repointing without the test`,
      );
      return;
    }
    throw new GitServerUnreachable(
      `the cluster cannot reach the suite's git server: \`git ls-remote ${this.repoUrl}\` in argocd-repo-server (${pod}) says: ${said.split('\n').at(-1)}. ` +
        `The server listens on ${listen}:${this.server.port}${gateway ? ` (the gateway of Docker network k3d-${driver.cluster} is ${gateway})` : ''}; ` +
        `a host firewall probably drops what the Docker network sends to that port: allow it (for example \`sudo ufw allow in on <the k3d bridge> to any port ${this.server.port} proto tcp\`, or \`sudo iptables -I INPUT -i br-+ -p tcp --dport ${this.server.port} -j ACCEPT\`), or run with IOT_P3_PUSH=1 to test through the Application's own repository`,
    );
  }

  /** Lets the Application's AppProject deploy from the suite's repository for the rounds (undone by restore). */
  private async allowInProject(): Promise<void> {
    const { driver, always } = this.options;
    const name = (this.app.spec as { project?: string } | undefined)?.project || 'default';
    const project = await driver.kube.appProject(this.namespace, name);
    if (!project) return;
    const repos = project.spec?.sourceRepos;
    if (repos?.includes('*') || repos?.includes(this.repoUrl)) return;
    const restore: JsonPatchOp[] =
      repos === undefined ? [{ op: 'remove', path: '/spec/sourceRepos' }] : [{ op: 'replace', path: '/spec/sourceRepos', value: repos }];
    this.projectRestore = { namespace: this.namespace, name, ops: restore };
    always.push(
      `restore AppProject ${this.namespace}/${name} sourceRepos`,
      () => this.restoreProject(),
      kubectlJsonPatch(driver.kubectlArgs, this.namespace, 'appprojects.argoproj.io', name, restore),
    );
    await driver.kube.jsonPatchAppProject(this.namespace, name, [
      repos === undefined
        ? { op: 'add', path: '/spec/sourceRepos', value: [this.repoUrl] }
        : { op: 'add', path: '/spec/sourceRepos/-', value: this.repoUrl },
    ]);
    this.options.log.note(`AppProject ${this.namespace}/${name} allows ${this.repoUrl} for the rounds`);
  }

  private async restoreProject(): Promise<void> {
    const project = this.projectRestore;
    if (!project) return;
    this.projectRestore = undefined;
    await this.options.driver.kube.jsonPatchAppProject(project.namespace, project.name, project.ops);
  }

  /**
   * Points the Application back at its own repository, exactly as it was, and undoes the AppProject change.
   * Called when the rounds are over or failed, before P3L-SELF-HEAL, and at teardown; only the first call acts.
   */
  async restore(): Promise<void> {
    if (this.restored) return;
    this.restored = true;
    await this.options.driver.kube.jsonPatchApplication(this.namespace, this.name, [
      { op: 'replace', path: '/spec/source', value: this.original },
    ]);
    await this.restoreProject();
    await this.refresh().catch(() => {});
    this.options.log.note(`${appName(this.app)} points at ${this.original.repoURL} again`);
  }

  /** The git server's requests, one per line: what the cluster (and the suite) asked of it. */
  requestLog(): string {
    return formatRequests(this.server.requests);
  }

  private async commitAndPush(message: string): Promise<string> {
    const sha = await this.workspace.commit(message);
    await this.workspace.push(this.server.localUrl(this.workspace.repo));
    this.commits.push({ sha, message });
    return sha;
  }

  /** Changes the image tag from → to in every manifest, commits and pushes; returns the commit. */
  async retag(from: string, to: string): Promise<string> {
    const files = await this.workspace.readFiles();
    let changes = 0;
    const next: Record<string, string> = {};
    for (const [path, text] of Object.entries(files)) {
      const out = retag(text, from, to);
      changes += out.changes;
      next[path] = out.text;
    }
    if (changes === 0) throw new Error(`no image tagged ${from} in the served manifests`);
    await this.workspace.writeFiles(next);
    return this.commitAndPush(`iot suite: ${from} → ${to}`);
  }

  async revert(): Promise<string> {
    const sha = await this.workspace.revertHead();
    await this.workspace.push(this.server.localUrl(this.workspace.repo));
    this.commits.push({ sha, message: 'revert' });
    return sha;
  }

  /** What a webhook does: ask Argo CD to look at git now. */
  async refresh(): Promise<void> {
    await this.options.driver.kube.patchApplication(this.namespace, this.name, {
      metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } },
    });
  }

  /** The Application synced at this commit and the app answering this version. */
  answers(sha: string, version: string): Expectation {
    const { driver } = this.options;
    return allOf(
      async () => applicationAtRevision(await driver.kube.application(this.namespace, this.name), sha),
      async () => {
        const answer = await driver.appAnswer();
        const got = answeredVersion(answer.body);
        if (answer.status !== 200) return pending(`the app to answer ${version} (HTTP ${answer.status}: ${excerpt(answer.body)})`);
        if (got === version) return succeeded(`the app answers ${version} via ${driver.appRoute}`);
        if (!got)
          return failed(
            `the app's answer names no version (${excerpt(answer.body)}); the check reads "message" (wil42/playground) or a v<N> token`,
          );
        return pending(`the app to answer ${version} (it answers ${got})`);
      },
    );
  }
}
