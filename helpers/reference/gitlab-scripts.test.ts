// The reference GitLab scripts (manifests/bonus/scripts) run for real, against stub tools that play
// Part 3's cluster, GitLab's toolbox, its API and its git server (gitlab-host.ts): what they install,
// that a second run changes nothing, how the push token is made and carried, and that no secret is
// printed or put on a command line. Scripts are slow to run on a loaded machine, so a story (setup,
// setup again, v1 → v2 …) runs once in beforeAll and several tests read it.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { GITLAB_KEY_FINGERPRINT, GitLabWorld, leakForms, REPO_ROOT, type WorldOptions, type WorldRun } from './gitlab-host.ts';
import type { Call } from './stub-host.ts';

const line = (call: Call): string => call.join(' ');
const has = (calls: Call[], pattern: RegExp): boolean => calls.some((call) => pattern.test(line(call)));

/** Calls that change the cluster, GitLab or the project. */
const MUTATING = [
  /^helm (upgrade|install|pull)\b/,
  /^kubectl .*\b(apply|create|delete|patch|annotate|exec)\b/,
  /^git .*\bpush\b/,
  /^curl .*-X (POST|PUT|DELETE)\b/,
];

const succeeded = (run: WorldRun): WorldRun => {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
};

/** A world used by one test only, disposed after it. */
let own: GitLabWorld | undefined;
afterEach(async () => {
  await own?.dispose();
  own = undefined;
});
async function newWorld(options?: WorldOptions): Promise<GitLabWorld> {
  own = await GitLabWorld.create(options);
  return own;
}

describe('a bonus set up, set up again, then moved to v2', () => {
  let w: GitLabWorld;
  const runs: Record<'first' | 'second' | 'bump' | 'bumpAgain', WorldRun> = {} as never;
  beforeAll(async () => {
    w = await GitLabWorld.create();
    runs.first = await w.run('setup.sh');
    runs.second = await w.run('setup.sh');
    runs.bump = await w.run('bump-version.sh', ['v2']);
    runs.bumpAgain = await w.run('bump-version.sh', ['v2']);
  }, 120_000);
  afterAll(() => w?.dispose());

  test('setup.sh installs the verified chart, makes a token, pushes v1, and the app answers from GitLab', async () => {
    const { calls, stdout } = succeeded(runs.first);
    const lines = calls.map(line);
    const at = (pattern: RegExp) => lines.findIndex((call) => pattern.test(call));
    // The chart: GitLab's signing key, then a verified pull, then the install of that archive.
    expect(at(new RegExp(`^curl .*keys\\.openpgp\\.org/vks/v1/by-fingerprint/${GITLAB_KEY_FINGERPRINT}$`))).toBeGreaterThan(-1);
    expect(at(/^helm pull gitlab --repo https:\/\/charts\.gitlab\.io --version 9\.9\.1 .*--verify --keyring /)).toBeGreaterThan(
      at(/^gpg .*--show-keys/),
    );
    const install = lines.find((call) => call.startsWith('helm upgrade'))!;
    expect(install).toMatch(/^helm upgrade --install gitlab \S+\/gitlab-9\.9\.1\.tgz --kube-context k3d-iot --namespace gitlab /);
    expect(install).toContain(`--values ${join(REPO_ROOT, 'manifests/bonus/confs/gitlab-values.yaml')}`);
    expect(at(/^kubectl .*apply -f \S+gitlab-namespace\.yaml$/)).toBeLessThan(at(/^helm upgrade/));
    // The project: created public, v1 pushed once, then the Application applied.
    expect(await w.log('api.log')).toContainEqual(expect.stringMatching(/^POST \/projects .*visibility=public/));
    expect((await w.log('git.log'))[0]).toMatch(/^push http:\/\/127\.0\.0\.1:43210\/root\/iot-playground\.git main:main$/);
    expect(at(/^kubectl .*apply -f \S+confs\/application\.yaml$/)).toBeGreaterThan(at(/^git .*push/));
    expect(stdout).toContain('curl http://localhost:8888/ answers: {"status":"ok", "message": "v1"}');
  });

  test('a second setup.sh changes nothing: every step finds its work done', () => {
    const { calls, stdout } = succeeded(runs.second);
    expect(calls.filter((call) => MUTATING.some((pattern) => pattern.test(line(call)))).map(line)).toEqual([]);
    expect(has(calls, /^curl .*(keys\.openpgp\.org|get\.helm\.sh)/)).toBe(false);
    for (const said of [
      'unchanged: confs/gitlab-namespace.yaml',
      'GitLab chart 9.9.1 already installed',
      'push token in Secret gitlab-iot-push-token still valid',
      'project root/iot-playground already exists',
      'already holds commits: nothing to push',
      'unchanged: confs/application.yaml',
    ])
      expect(stdout).toContain(said);
  });

  test('the push token is made with gitlab-rails runner, the program (and the token) on stdin, and kept in a Secret', async () => {
    const runner = runs.first.calls.filter((call) => call[0] === 'kubectl' && call.includes('exec'));
    expect(runner.map(line)).toEqual([
      'kubectl --context k3d-iot -n gitlab exec -i deployment/gitlab-toolbox -c toolbox -- gitlab-rails runner -e production eval($stdin.read)',
    ]);
    const programs = await w.runnerPrograms();
    expect(programs).toHaveLength(1);
    expect(programs[0]).toContain("user = User.find_by_username!('root')");
    expect(programs[0]).toContain(
      "user.personal_access_tokens.create!(name: 'iot-bonus-push', scopes: %w[api write_repository], expires_at: 30.days.from_now)",
    );
    expect(programs[0]).toContain('token.save!');
    const [token] = await w.mintedTokens();
    expect(token).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await w.state('secret-gitlab-iot-push-token')).toBe(token);
  });

  test('the token travels on stdin and in the environment only: no command line of any run holds it', async () => {
    const [token] = await w.mintedTokens();
    const lines = (await w.calls()).map(line);
    expect(lines.length).toBeGreaterThan(100);
    for (const secret of leakForms(token!)) expect(lines.filter((call) => call.includes(secret))).toEqual([]);
    // Every API call read the token from curl's configuration on stdin; every push and clone carried it
    // in git's environment (the git stub refuses them otherwise).
    const api = await w.log('api.log');
    expect(api.length).toBeGreaterThan(10);
    expect(api.filter((entry) => !/ token-from=stdin-config( |$)/.test(entry))).toEqual([]);
    expect(await w.log('git.log')).toEqual([expect.stringMatching(/^push http/), 'clone', 'push origin main', 'clone']);
  });

  test('bump-version.sh v2 commits the new tag to GitLab and waits for Argo CD and the app; again, it commits nothing', async () => {
    const { stdout } = succeeded(runs.bump);
    expect(has(runs.bump.calls, /^git .*push -q origin main$/)).toBe(true);
    expect(await w.state('repo/app/deployment.yaml')).toContain('image: wil42/playground:v2');
    expect(stdout).toMatch(/Argo CD synced [0-9a-f]{8}; curl http:\/\/localhost:8888\/ answers: \{"status":"ok", "message": "v2"\}/);
    expect(succeeded(runs.bumpAgain).stdout).toContain('already deploys wil42/playground:v2: nothing to commit');
    expect(has(runs.bumpAgain.calls, /^git .*push/)).toBe(false);
  });

  test('the kubectl port-forward to GitLab ends with the script', async () => {
    const pid = Number(await w.state('port-forward.pid'));
    expect(pid).toBeGreaterThan(1);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});

describe('a token GitLab no longer accepts, then the teardown', () => {
  let w: GitLabWorld;
  const runs: Record<'setup' | 'renewed' | 'bump' | 'teardown' | 'teardownAgain', WorldRun> = {} as never;
  let secretAfterRenewal: string | undefined;
  beforeAll(async () => {
    w = await GitLabWorld.create();
    runs.setup = await w.run('setup.sh');
    await w.setState('valid-tokens', ''); // expired or revoked since
    runs.renewed = await w.run('setup.sh');
    secretAfterRenewal = await w.state('secret-gitlab-iot-push-token');
    runs.bump = await w.run('bump-version.sh', ['v2']);
    runs.teardown = await w.run('teardown.sh');
    runs.teardownAgain = await w.run('teardown.sh');
  }, 120_000);
  afterAll(() => w?.dispose());

  test('the token is revoked and replaced; nothing else is redone', async () => {
    const { stdout, calls } = succeeded(runs.renewed);
    expect(stdout).toContain('no longer accepted: making a new one');
    const [first, second] = await w.mintedTokens();
    expect(second).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(second).not.toBe(first);
    expect((await w.runnerPrograms())[1]).toContain("user.personal_access_tokens.active.where(name: 'iot-bonus-push').each(&:revoke!)");
    expect(secretAfterRenewal).toBe(second);
    expect(has(calls, /^(helm upgrade|git .*push)/)).toBe(false);
  });

  test('no run printed a token or the root password', async () => {
    for (const run of Object.values(runs)) succeeded(run);
    const secrets = [...(await w.mintedTokens()), w.rootPassword];
    expect(secrets).toHaveLength(3);
    for (const secret of secrets.flatMap(leakForms)) expect(w.outputs).not.toContain(secret);
  });

  test('teardown.sh deletes the Application reading GitLab (not its app) and namespace gitlab; again, it deletes nothing', () => {
    expect(runs.teardown.calls.map(line).filter((call) => /\b(patch|delete)\b/.test(call))).toEqual([
      'kubectl --context k3d-iot -n argocd patch application playground --type merge -p {"metadata":{"finalizers":null}}',
      'kubectl --context k3d-iot -n argocd delete application playground --wait=true',
      'kubectl --context k3d-iot delete namespace gitlab --wait=true --timeout=600s',
    ]);
    expect(runs.teardownAgain.stdout).toContain('no namespace gitlab: GitLab is not installed');
    expect(has(runs.teardownAgain.calls, /\b(patch|delete)\b/)).toBe(false);
  });
});

describe('what the scripts refuse or ask for', () => {
  test('setup.sh without Part 3 stops at once and says to run Part 3 first', async () => {
    const run = await (await newWorld({ part3: false })).run('setup.sh');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no namespace argocd: the bonus runs on Part 3; run manifests\/p3\/scripts\/setup\.sh first/);
    expect(run.calls.filter((call) => ['helm', 'git', 'curl', 'gpg'].includes(call[0]!))).toEqual([]);
  });

  test('a key server answering with another key is refused: no chart is pulled or installed', async () => {
    const w = await newWorld();
    await w.setState('key-fingerprint', 'AAAAF79EF5836E986A663B4AE30F9C687683D663');
    const run = await w.run('setup.sh');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`is not GitLab's chart signing key ${GITLAB_KEY_FINGERPRINT} alone: not using it`);
    expect(has(run.calls, /^helm (pull|upgrade)/)).toBe(false);
  });

  test('when gitlab-rails runner fails, its output is shown with the token masked', async () => {
    const w = await newWorld();
    await w.setState('runner-fails', '');
    const run = await w.run('setup.sh');
    expect(run.code).toBe(1);
    const [token] = await w.mintedTokens();
    expect(run.stderr).toContain('ERROR: gitlab-rails runner failed: (eval):4: ActiveRecord::RecordInvalid in program:');
    expect(run.stderr).toContain("token.set_token('<token>')");
    expect(run.stderr).not.toContain(token!);
  });

  test('a changed values file is installed again: the release records the values it was installed with', async () => {
    const w = await newWorld();
    succeeded(await w.run('setup.sh'));
    await w.setState('helm-release', 'iot-bonus: chart gitlab-9.9.1, values sha256 0000000000000000');
    expect(has(succeeded(await w.run('setup.sh')).calls, /^helm upgrade --install gitlab /)).toBe(true);
  });

  test('password.sh prints the root password, and nothing else', async () => {
    const w = await newWorld();
    const { code, stdout, stderr } = await w.run('password.sh');
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${w.rootPassword}\n`, stderr: '' });
  });

  test('bump-version.sh needs a version and a set-up bonus, and says so', async () => {
    const w = await newWorld();
    expect((await w.run('bump-version.sh')).stderr).toMatch(/usage: bump-version\.sh v2/);
    expect((await w.run('bump-version.sh', ['v2'])).stderr).toMatch(
      /no push token in Secret gitlab-iot-push-token .*: the bonus is not set up/,
    );
  });

  test("teardown.sh leaves Part 3's Application, reading GitHub, alone", async () => {
    const w = await newWorld();
    await w.setState('app-repo', 'https://github.com/wil42/wil-iot-playground.git\n');
    const run = await w.run('teardown.sh');
    expect(run.stdout).toContain('does not read from the local GitLab (https://github.com/wil42/wil-iot-playground.git): left alone');
    expect(has(run.calls, /\b(patch|delete) application/)).toBe(false);
  });
});

describe.skipIf(process.arch !== 'x64')('Helm is pinned and checked against its published checksum', () => {
  /** get.helm.sh's release archive, holding a helm that answers like the stub, and its published checksum. */
  async function publishHelm(w: GitLabWorld, tampered: boolean): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'iot-helm-'));
    await mkdir(join(dir, 'linux-amd64'));
    const stub = await readFile(join(REPO_ROOT, 'helpers/reference/gitlab-stubs/helm.sh'), 'utf8');
    await writeFile(join(dir, 'linux-amd64/helm'), `#!/bin/bash\nprintf 'helm %s\\n' "$*" >>"$STUB_STATE/downloaded-helm.log"\n${stub}`);
    await chmod(join(dir, 'linux-amd64/helm'), 0o755);
    const archive = join(dir, 'helm-v4.2.4-linux-amd64.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', dir, 'linux-amd64/helm']);
    const sum = execFileSync('sha256sum', [archive]).toString().split(' ')[0]!;
    await w.setState(
      'downloads/helm-v4.2.4-linux-amd64.tar.gz.sha256',
      `${tampered ? sum.replace(/^./, (c) => (c === '0' ? '1' : '0')) : sum}\n`,
    );
    await writeFile(join(w.host.state, 'downloads/helm-v4.2.4-linux-amd64.tar.gz'), await readFile(archive));
    await rm(dir, { recursive: true, force: true });
  }

  test('without Helm 4.2.4 on PATH, the release archive is downloaded, verified and used', async () => {
    const w = await newWorld({ helmOnPath: false });
    await publishHelm(w, false);
    const { stdout } = succeeded(await w.run('setup.sh'));
    expect(stdout).toContain('checksum verified: helm-v4.2.4-linux-amd64.tar.gz');
    expect(stdout).toContain(`using Helm v4.2.4 from ${join(w.host.home, '.cache/iot-bonus/helm-v4.2.4')}`);
    expect(await w.state('downloaded-helm.log')).toMatch(/^helm upgrade --install gitlab /m);
  });

  test('an archive that does not match its published checksum is not installed', async () => {
    const w = await newWorld({ helmOnPath: false });
    await publishHelm(w, true);
    const run = await w.run('setup.sh');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('helm-v4.2.4-linux-amd64.tar.gz does not match its published checksum: not installing it');
    expect(await w.state('downloaded-helm.log')).toBeUndefined();
    expect(await readFile(join(w.host.home, '.cache/iot-bonus/helm-v4.2.4/helm')).catch(() => undefined)).toBeUndefined();
  });
});
