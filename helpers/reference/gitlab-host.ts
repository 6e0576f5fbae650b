// A host where the reference GitLab scripts (manifests/bonus/scripts) run for real against stub tools
// that play a k3d cluster running Part 3 and, once installed, GitLab: kubectl, helm, curl (GitLab's
// API behind the port-forward, the app on localhost:8888), git (push and clone to the project), gpg.
// The stubs keep the world's state in files (gitlab-stubs/*.sh say which); this class reads it back.
// Common text tools are recording wrappers too, so that every command line a script runs can be
// searched for a secret.
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StubHost, type Call, type ScriptRun } from './stub-host.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, '..', '..');
export const SCRIPTS = join(REPO_ROOT, 'manifests', 'bonus', 'scripts');
export const script = (name: string): string => join(SCRIPTS, name);

/** The chart signing key's fingerprint setup.sh pins (GitLab's chart provenance docs). */
export const GITLAB_KEY_FINGERPRINT = '5E46F79EF5836E986A663B4AE30F9C687683D663';
const ROOT_PASSWORD = 'Rq7vB2kLm9XwT4zN8pYc3HdF6sJa1GeU5oIiKtWnVbQ';

/** Text tools whose command lines are recorded (and then run for real). */
const RECORDED = ['base64', 'tr', 'head', 'sed', 'grep', 'awk', 'cat', 'cp', 'tar', 'install', 'mkdir', 'sha256sum'];
const SYSTEM_BIN_DIRS = ['/usr/local/bin', '/usr/bin', '/bin'];

async function systemPath(name: string): Promise<string> {
  for (const dir of SYSTEM_BIN_DIRS) {
    const path = join(dir, name);
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  throw new Error(`${name} is not installed on this machine`);
}

export interface WorldOptions {
  /** Part 3 (namespace argocd, Argo CD's CRDs) runs in the cluster. Default true. */
  part3?: boolean;
  /** A helm of the pinned version is on PATH. Default true; false: setup.sh downloads one. */
  helmOnPath?: boolean;
}

/** One run of a script, and the stub calls it made. */
export interface WorldRun extends ScriptRun {
  calls: Call[];
}

export class GitLabWorld {
  readonly host: StubHost;
  private readonly runs: ScriptRun[] = [];

  private constructor(host: StubHost) {
    this.host = host;
  }

  static async create(options: WorldOptions = {}): Promise<GitLabWorld> {
    const stubs: Record<string, string> = {};
    for (const tool of ['kubectl', 'helm', 'curl', 'git', 'gpg']) {
      if (tool === 'helm' && options.helmOnPath === false) continue;
      stubs[tool] = await readFile(join(here, 'gitlab-stubs', `${tool}.sh`), 'utf8');
    }
    for (const tool of RECORDED) stubs[tool] = `exec ${await systemPath(tool)} "$@"`;
    const host = await StubHost.create(stubs, options.helmOnPath === false ? ['helm'] : []);
    if (options.part3 !== false) await writeFile(join(host.state, 'ns-argocd'), '');
    // What the GitLab chart's shared-secrets job generates at install time.
    await writeFile(join(host.state, 'secret-gitlab-gitlab-initial-root-password'), ROOT_PASSWORD);
    return new GitLabWorld(host);
  }

  /** Runs a bonus script; every run's output is kept for the secret scans. */
  async run(name: string, args: readonly string[] = []): Promise<WorldRun> {
    const before = (await this.host.calls()).length;
    const run = await this.host.run(script(name), args, { cwd: REPO_ROOT });
    this.runs.push(run);
    return { ...run, calls: (await this.host.calls()).slice(before) };
  }

  get outputs(): string {
    return this.runs.map((run) => `${run.stdout}\n${run.stderr}`).join('\n');
  }

  calls(tool?: string): Promise<Call[]> {
    return this.host.calls(tool);
  }

  async state(name: string): Promise<string | undefined> {
    return readFile(join(this.host.state, name), 'utf8').catch(() => undefined);
  }

  async setState(name: string, content: string): Promise<void> {
    await mkdir(dirname(join(this.host.state, name)), { recursive: true });
    await writeFile(join(this.host.state, name), content);
  }

  /** Programs given to gitlab-rails runner, in order. */
  async runnerPrograms(): Promise<string[]> {
    const names = (await readdir(this.host.state)).filter((name) => /^runner-\d+\.rb$/.test(name)).sort();
    return Promise.all(names.map((name) => readFile(join(this.host.state, name), 'utf8')));
  }

  /** Tokens made through the toolbox, in order (from the programs' set_token). */
  async mintedTokens(): Promise<string[]> {
    return (await this.runnerPrograms()).map((program) => /^token\.set_token\('([^']*)'\)$/m.exec(program)?.[1] ?? '');
  }

  /** Lines of the stubs' own logs: api.log (every API call), git.log (pushes and clones). */
  async log(name: 'api.log' | 'git.log'): Promise<string[]> {
    return ((await this.state(name)) ?? '').split('\n').filter(Boolean);
  }

  get rootPassword(): string {
    return ROOT_PASSWORD;
  }

  dispose(): Promise<void> {
    return this.host.dispose();
  }
}

/** Forms a secret may leak in: as is, base64, and in HTTP Basic credentials (root:secret). */
export function leakForms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(`root:${secret}`).toString('base64')];
}
