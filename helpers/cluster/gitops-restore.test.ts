// The v1 → v2 loop against the suite's own git server (real git http-backend, real git), with the API in memory
// (fake-kube.ts: the API server's merge- and JSON-patch semantics) and `kubectl exec` into argocd-repo-server
// played by running the same `git ls-remote` on this host.
import { resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { openTarget } from '../target/repository.ts';
import { BootLog } from './boot.ts';
import { ZxRunner, type CommandOptions, type CommandResult, type CommandRunner, type GroupRun } from './command-runner.ts';
import type { EvidenceSource } from './evidence.ts';
import { FakeKube } from './fake-kube.ts';
import { GitOpsLoop, GitServerUnreachable, type GitOpsCluster } from './parts/gitops-loop.ts';
import { CleanupStack } from './teardown.ts';

const ORIGINAL = { repoURL: 'https://github.com/wil42/wil-iot-playground.git', path: 'app' }; // no targetRevision

/** git runs for real; `kubectl exec <repo-server> -- git ls-remote URL` runs git here, against `reach(URL)`. */
class HostRunner implements CommandRunner {
  readonly lines: string[] = [];
  private readonly real = new ZxRunner();
  private readonly reach: (url: string) => string;
  constructor(reach: (url: string) => string) {
    this.reach = reach;
  }
  async run(cmd: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    this.lines.push([cmd, ...args].join(' '));
    if (cmd === 'git') return this.real.run(cmd, args, options);
    const exec = args.indexOf('exec');
    if (cmd === 'kubectl' && exec >= 0) {
      const url = args.at(-1)!;
      return this.real.run('git', ['ls-remote', this.reach(url)], { ...options, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    }
    return { command: [cmd, ...args].join(' '), exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
  }
  start(cmd: string, args: readonly string[]): GroupRun {
    return { exited: this.run(cmd, args), stop: () => {} };
  }
}

function cluster(): FakeKube {
  return new FakeKube()
    .add('Application', {
      metadata: { name: 'playground', namespace: 'argocd' },
      spec: { project: 'default', source: { ...ORIGINAL }, destination: { server: 'https://kubernetes.default.svc', namespace: 'dev' } },
    })
    .add('AppProject', { metadata: { name: 'default', namespace: 'argocd' }, spec: { sourceRepos: ['https://github.com/wil42/*'] } })
    .add('Pod', {
      metadata: {
        name: 'argocd-repo-server-7c9d8b6f4-kq2xw',
        namespace: 'argocd',
        labels: { 'app.kubernetes.io/name': 'argocd-repo-server' },
      },
      status: { phase: 'Running' },
    });
}

const always = new CleanupStack();
afterEach(async () => {
  await always.runAll();
});

async function start(kube: FakeKube, runner: CommandRunner, evidence: EvidenceSource[] = []) {
  const driver: GitOpsCluster = {
    part: 'p3',
    cluster: 'iot',
    kube,
    kubectlArgs: ['--kubeconfig', '/tmp/iot-k3d-x/kubeconfig'],
    appRoute: 'localhost:8888',
    appAnswer: async () => ({ url: 'http://127.0.0.1:8888/', status: 200, body: '{"status":"ok", "message": "v1"}' }),
    addEvidence: (source) => evidence.push(source),
  };
  const target = await openTarget(resolve(PROJECT_ROOT, 'suites/fixtures/passing'));
  const log = new BootLog({ part: 'p3', write: () => {} });
  return GitOpsLoop.start({ driver, target, runner, log, always }, async () => ({ message: 'ok', attempts: 1, elapsedMs: 0 }));
}

describe('the Application is restored exactly, and its AppProject with it', () => {
  test('an Application without targetRevision gets none back; sourceRepos is as it was; a second restore does nothing', async () => {
    const kube = cluster();
    const loop = await start(kube, new HostRunner((url) => url.replace('host.k3d.internal', '127.0.0.1')));
    expect(kube.get('Application', 'argocd', 'playground')!.spec).toMatchObject({
      source: { repoURL: loop.repoUrl, path: '.', targetRevision: 'main' },
    });
    expect((kube.get('AppProject', 'argocd', 'default')!.spec as { sourceRepos: string[] }).sourceRepos).toEqual([
      'https://github.com/wil42/*',
      loop.repoUrl,
    ]);
    await loop.restore();
    expect((kube.get('Application', 'argocd', 'playground')!.spec as { source: object }).source).toEqual(ORIGINAL);
    expect((kube.get('AppProject', 'argocd', 'default')!.spec as { sourceRepos: string[] }).sourceRepos).toEqual([
      'https://github.com/wil42/*',
    ]);
    const changes = kube.changes.length;
    await loop.restore();
    expect(kube.changes.length).toBe(changes);
  });

  test('the detached teardown would do the same with kubectl (a JSON patch replacing the whole source)', async () => {
    const kube = cluster();
    await start(kube, new HostRunner((url) => url.replace('host.k3d.internal', '127.0.0.1')));
    const steps = always.pending().filter((step) => step.name.startsWith('restore'));
    expect(steps.map((step) => step.detached)).toEqual([
      {
        kind: 'run',
        cmd: 'kubectl',
        args: [
          '--kubeconfig',
          '/tmp/iot-k3d-x/kubeconfig',
          '-n',
          'argocd',
          'patch',
          'appprojects.argoproj.io',
          'default',
          '--type',
          'json',
          '-p',
          '[{"op":"replace","path":"/spec/sourceRepos","value":["https://github.com/wil42/*"]}]',
        ],
        timeoutMs: 60_000,
      },
      {
        kind: 'run',
        cmd: 'kubectl',
        args: [
          '--kubeconfig',
          '/tmp/iot-k3d-x/kubeconfig',
          '-n',
          'argocd',
          'patch',
          'applications.argoproj.io',
          'playground',
          '--type',
          'json',
          '-p',
          JSON.stringify([{ op: 'replace', path: '/spec/source', value: ORIGINAL }]),
        ],
        timeoutMs: 60_000,
      },
    ]);
  });

  test('a project that allows every repository ("*") is left alone', async () => {
    const kube = cluster();
    await kube.jsonPatchAppProject('argocd', 'default', [{ op: 'replace', path: '/spec/sourceRepos', value: ['*'] }]);
    await start(kube, new HostRunner((url) => url.replace('host.k3d.internal', '127.0.0.1')));
    expect(kube.changes.filter((c) => c.startsWith('AppProject'))).toHaveLength(1);
  });
});

describe('the cluster must reach the git server before the Application is repointed', () => {
  test('reachable: tested from argocd-repo-server with git ls-remote; the request is in the server log and the evidence', async () => {
    const kube = cluster();
    const evidence: EvidenceSource[] = [];
    const runner = new HostRunner((url) => url.replace('host.k3d.internal', '127.0.0.1'));
    const loop = await start(kube, runner, evidence);
    expect(runner.lines).toContain(
      `kubectl --kubeconfig /tmp/iot-k3d-x/kubeconfig -n argocd exec argocd-repo-server-7c9d8b6f4-kq2xw -- git ls-remote ${loop.repoUrl}`,
    );
    expect(loop.requestLog()).toMatch(/127\.0\.0\.1 GET \/iot-app\.git\/info\/refs \(git-upload-pack\) → 200/);
    expect(evidence.map((e) => e.file)).toEqual(['git-server-requests.txt']);
    expect(await evidence[0]!.collect()).toBe(loop.requestLog());
  });

  test('unreachable (a firewall drops the Docker network): GitServerUnreachable, and the Application and its project untouched', async () => {
    const kube = cluster();
    // git's real answer when nothing accepts the connection, as a dropped port gives it.
    const runner = new HostRunner((url) => url.replace(/host\.k3d\.internal:\d+/, '127.0.0.1:1'));
    const error = await start(kube, runner).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitServerUnreachable);
    expect((error as Error).message).toMatch(
      /^the cluster cannot reach the suite's git server: `git ls-remote http:\/\/host\.k3d\.internal:\d+\/iot-app\.git` in argocd-repo-server \(argocd-repo-server-7c9d8b6f4-kq2xw\) says: fatal: unable to access 'http:\/\/127\.0\.0\.1:1\/iot-app\.git\/': Failed to connect to 127\.0\.0\.1 port 1 after \d+ ms: Couldn't connect to server\. The server listens on 0\.0\.0\.0:\d+; a host firewall probably drops/,
    );
    expect(kube.changes).toEqual([]);
  });
});

describe('a round that fails while starting', () => {
  test('the Application is put back at once (the caller never gets the loop to restore)', async () => {
    const kube = cluster();
    const driver: GitOpsCluster = {
      part: 'p3',
      cluster: 'iot',
      kube,
      kubectlArgs: [],
      appRoute: '',
      appAnswer: async () => ({ url: 'http://127.0.0.1:8888/', status: 200, body: '{"status":"ok", "message": "v1"}' }),
    };
    const target = await openTarget(resolve(PROJECT_ROOT, 'suites/fixtures/passing'));
    const timeout = async () => {
      throw new Error('timeout waiting for: Application synced to 1a2b3c4');
    };
    await expect(
      GitOpsLoop.start(
        {
          driver,
          target,
          runner: new HostRunner((url) => url.replace('host.k3d.internal', '127.0.0.1')),
          log: new BootLog({ part: 'p3', write: () => {} }),
          always,
        },
        timeout,
      ),
    ).rejects.toThrow('timeout waiting for');
    expect((kube.get('Application', 'argocd', 'playground')!.spec as { source: object }).source).toEqual(ORIGINAL);
    expect((kube.get('AppProject', 'argocd', 'default')!.spec as { sourceRepos: string[] }).sourceRepos).toEqual([
      'https://github.com/wil42/*',
    ]);
  });
});
