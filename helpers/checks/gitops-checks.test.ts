import { describe, expect, test } from 'vitest';
import type { StaticCheckId } from '../catalog/checks.ts';
import type { StaticChecks } from './context.ts';
import type { CheckResult } from './result.ts';
import { makeGitopsChecks } from './gitops-checks.ts';
import { fakeContext, fakeSources, objects, script, type FakeWorld, type PartFacts } from '../gitops/fake-facts.ts';

const MANIFEST = 'https://raw.githubusercontent.com/argoproj/argo-cd/${ARGOCD_VERSION}/manifests/install.yaml';
const P3_FILES = ['p3/scripts/setup.sh', 'p3/confs/application.yaml', 'p3/confs/app/deployment.yaml'];
const BONUS_FILES = ['bonus/scripts/gitlab.sh', 'bonus/confs/application.yaml'];

const setup = (lines: string[] = [], version = 'v3.1.5') =>
  script(
    'p3/scripts/setup.sh',
    [
      'k3d cluster create iot',
      'kubectl create namespace argocd',
      `kubectl apply -n argocd -f ${MANIFEST}`,
      'kubectl apply -f "$(dirname "$0")/../confs/application.yaml"',
      ...lines,
    ],
    { ARGOCD_VERSION: version },
  );

interface AppOptions {
  repoURL?: string;
  path?: string | null;
  server?: string;
  namespace?: string;
  syncPolicy?: string;
}

const application = (options: AppOptions = {}) =>
  objects(
    'p3/confs/application.yaml',
    [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata:',
      '  name: playground',
      '  namespace: argocd',
      'spec:',
      '  project: default',
      '  source:',
      `    repoURL: ${options.repoURL ?? 'https://github.com/wil42/wil-iot-playground.git'}`,
      ...(options.path === null ? [] : [`    path: ${options.path ?? 'app'}`]),
      '  destination:',
      `    server: ${options.server ?? 'https://kubernetes.default.svc'}`,
      `    namespace: ${options.namespace ?? 'dev'}`,
      options.syncPolicy ??
        '  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n    syncOptions:\n      - CreateNamespace=true',
      '',
    ].join('\n'),
  );

const deployment = (image = 'wil42/playground:v1', port = 8888) =>
  objects(
    'p3/confs/app/deployment.yaml',
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: playground, namespace: dev}',
      'spec:',
      '  selector: {matchLabels: {app: playground}}',
      '  template:',
      '    metadata: {labels: {app: playground}}',
      '    spec:',
      '      containers:',
      `        - {name: playground, image: "${image}", ports: [{containerPort: ${port}}]}`,
      '',
    ].join('\n'),
  );

const p3 = (overrides: PartFacts = {}): PartFacts => ({ scripts: [setup()], objects: [...application(), ...deployment()], ...overrides });

async function grade(id: string, world: Partial<FakeWorld> & { parts?: FakeWorld['parts'] }, files = P3_FILES): Promise<CheckResult> {
  const checks = makeGitopsChecks(fakeSources({ logins: ['wil'], parts: { p3: p3() }, ...world }));
  return (checks as StaticChecks)[id as StaticCheckId]!(fakeContext(files));
}

describe('the passing shape', () => {
  test.each([
    'P3-NAMESPACES',
    'P3-ARGOCD-INSTALL',
    'P3-ARGOCD-PINNED',
    'P3-APPLICATION',
    'P3-AUTOSYNC',
    'P3-SELFHEAL',
    'P3-REPO-LOGIN',
    'P3-IMAGE',
  ])('%s passes', async (id) => {
    const result = await grade(id, {});
    expect(result, result.message).toMatchObject({ id, status: 'pass' });
  });
});

describe('P3-NAMESPACES', () => {
  test('argocd never created', async () => {
    const scripts = [script('p3/scripts/setup.sh', [`kubectl apply -n argocd -f ${MANIFEST.replace('${ARGOCD_VERSION}', 'v3.1.5')}`])];
    const result = await grade('P3-NAMESPACES', { parts: { p3: p3({ scripts }) } });
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/namespace argocd is never created/);
    expect(result.message).not.toMatch(/namespace dev/);
  });

  test('dev needs CreateNamespace=true on an Application whose destination is dev', async () => {
    const result = await grade('P3-NAMESPACES', {
      parts: { p3: p3({ objects: application({ syncPolicy: '  syncPolicy:\n    automated: {}' }) }) },
    });
    expect(result).toMatchObject({ status: 'fail', message: expect.stringMatching(/namespace dev is never created/) });
  });

  test('helm --create-namespace and a Namespace object count', async () => {
    const scripts = [script('p3/scripts/setup.sh', ['helm install argocd argo/argo-cd -n argocd --create-namespace --version 8.3.0'])];
    const namespace = objects('p3/confs/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n');
    const result = await grade('P3-NAMESPACES', {
      parts: { p3: p3({ scripts, objects: [...application({ syncPolicy: '' }), ...namespace] }) },
    });
    expect(result, result.message).toMatchObject({ status: 'pass' });
  });
});

describe('P3-ARGOCD-INSTALL and P3-ARGOCD-PINNED', () => {
  test('no install at all: install fails, pinned skips naming it', async () => {
    const scripts = [script('p3/scripts/setup.sh', ['kubectl create namespace argocd'])];
    expect(await grade('P3-ARGOCD-INSTALL', { parts: { p3: p3({ scripts }) } })).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('kubectl apply -n argocd'),
    });
    expect(await grade('P3-ARGOCD-PINNED', { parts: { p3: p3({ scripts }) } })).toMatchObject({
      status: 'skip',
      message: expect.stringContaining('P3-ARGOCD-INSTALL'),
    });
  });

  test('applied without -n lands in the default namespace', async () => {
    const scripts = [
      script('p3/scripts/setup.sh', ['kubectl create namespace argocd', `kubectl apply -f ${MANIFEST}`], { ARGOCD_VERSION: 'v3.1.5' }),
    ];
    const result = await grade('P3-ARGOCD-INSTALL', { parts: { p3: p3({ scripts }) } });
    expect(result).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('default namespace'),
      fix: expect.stringContaining('-n argocd'),
      locations: [{ file: 'p3/scripts/setup.sh', line: 2 }],
    });
    expect((await grade('P3-ARGOCD-PINNED', { parts: { p3: p3({ scripts }) } })).status).toBe('pass');
  });

  test.each([
    ['stable', /names stable, a ref that moves/],
    ['master', /names master/],
  ])('ref %s is not pinned', async (version, message) => {
    const result = await grade('P3-ARGOCD-PINNED', { parts: { p3: p3({ scripts: [setup([], version)] }) } });
    expect(result).toMatchObject({ status: 'fail', message: expect.stringMatching(message), fix: expect.stringContaining('v3.1.5') });
    expect((await grade('P3-ARGOCD-INSTALL', { parts: { p3: p3({ scripts: [setup([], version)] }) } })).status).toBe('pass');
  });

  test('an unresolved ref fails naming the placeholder', async () => {
    const scripts = [script('p3/scripts/setup.sh', ['kubectl create namespace argocd', `kubectl apply -n argocd -f ${MANIFEST}`])];
    const result = await grade('P3-ARGOCD-PINNED', { parts: { p3: p3({ scripts }) } });
    expect(result).toMatchObject({ status: 'fail', message: expect.stringContaining('${ARGOCD_VERSION}') });
  });

  test('a Helm install: chart version pins it, none does not', async () => {
    const helm = (version: string) => [
      script('p3/scripts/setup.sh', [`helm upgrade --install argocd argo/argo-cd --namespace argocd --create-namespace ${version}`]),
    ];
    expect((await grade('P3-ARGOCD-PINNED', { parts: { p3: p3({ scripts: helm('--version 8.3.0') }) } })).status).toBe('pass');
    expect(await grade('P3-ARGOCD-PINNED', { parts: { p3: p3({ scripts: helm('') }) } })).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('--version'),
    });
    expect(await grade('P3-ARGOCD-PINNED', { parts: { p3: p3({ scripts: helm('--version ^8.0.0') }) } })).toMatchObject({ status: 'fail' });
  });
});

describe('P3-APPLICATION and the checks that need it', () => {
  const needing = ['P3-AUTOSYNC', 'P3-SELFHEAL', 'P3-REPO-LOGIN'];

  test('no Application: fails, and the checks needing it skip naming P3-APPLICATION', async () => {
    const world = { parts: { p3: p3({ objects: deployment() }) } };
    expect(await grade('P3-APPLICATION', world)).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('no Argo CD Application'),
    });
    for (const id of needing)
      expect(await grade(id, world)).toMatchObject({ status: 'skip', message: expect.stringContaining('P3-APPLICATION failed') });
  });

  test('an ApplicationSet alone is named as not counting', async () => {
    const set = objects('p3/confs/set.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s}\nspec: {}\n');
    const result = await grade('P3-APPLICATION', { parts: { p3: p3({ objects: [...deployment(), ...set] }) } });
    expect(result).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('ApplicationSet at p3/confs/set.yaml:1 does not count'),
    });
  });

  test.each([
    [{ repoURL: 'http://gitlab.local/root/wil-iot.git' }, /gitlab\.local, not GitHub/],
    [{ repoURL: 'git@github.com:wil42/wil-iot.git' }, /SSH/],
    [{ server: 'https://192.168.56.110:6443' }, /not the in-cluster API/],
    [{ namespace: 'default' }, /namespace default, not dev/],
    [{ path: null }, /names no path/],
    [{ repoURL: '${REPO_URL}' }, /\$\{REPO_URL\}, which nothing resolves/],
  ])('%o fails', async (options, message) => {
    const world = { parts: { p3: p3({ objects: application(options) }) } };
    const result = await grade('P3-APPLICATION', world);
    expect(result).toMatchObject({ status: 'fail', message: expect.stringMatching(message) });
    expect(result.locations[0]?.file).toBe('p3/confs/application.yaml');
    for (const id of needing) expect((await grade(id, world)).status).toBe('skip');
  });

  test('schema findings fail it, with their lines', async () => {
    const validate = () => [{ message: 'spec.source.targetRevison: unknown field; did you mean targetRevision?', line: 11 }];
    const result = await grade('P3-APPLICATION', { validate });
    expect(result).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('p3/confs/application.yaml:11: spec.source.targetRevison'),
      locations: [{ line: 11 }],
    });
  });

  test('destination.name in-cluster and argocd app create count', async () => {
    const byName = objects(
      'p3/confs/application.yaml',
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  source: {repoURL: "https://github.com/x/wil-app", path: "."}\n  destination: {name: in-cluster, namespace: dev}\n',
    );
    expect((await grade('P3-APPLICATION', { parts: { p3: p3({ objects: byName }) } })).status).toBe('pass');
    const cli = script('p3/scripts/app.sh', [
      'argocd app create wil --repo https://github.com/x/wil-app.git --path app --dest-server https://kubernetes.default.svc --dest-namespace dev',
    ]);
    const world = { parts: { p3: p3({ scripts: [setup(), cli], objects: deployment() }) } };
    expect((await grade('P3-APPLICATION', world)).status).toBe('pass');
    expect(await grade('P3-AUTOSYNC', world)).toMatchObject({ status: 'fail', fix: expect.stringContaining('--sync-policy automated') });
  });

  test('an empty destination.name beside the server is unset, as Argo CD reads it; a real name beside it fails', async () => {
    const app = (name: string) =>
      objects(
        'p3/confs/application.yaml',
        `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  source: {repoURL: "https://github.com/x/wil-app", path: "."}\n  destination: {name: ${name}, server: "https://kubernetes.default.svc", namespace: dev}\n`,
      );
    expect((await grade('P3-APPLICATION', { parts: { p3: p3({ objects: app("''") }) } })).status).toBe('pass');
    expect(await grade('P3-APPLICATION', { parts: { p3: p3({ objects: app('in-cluster') }) } })).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('both destination server and destination name'),
    });
  });

  test('P3-AUTOSYNC fails without automated; P3-SELFHEAL then skips naming it', async () => {
    const world = { parts: { p3: p3({ objects: application({ syncPolicy: '  syncPolicy:\n    syncOptions: [CreateNamespace=true]' }) }) } };
    expect(await grade('P3-AUTOSYNC', world)).toMatchObject({ status: 'fail', fix: expect.stringContaining('automated') });
    expect(await grade('P3-SELFHEAL', world)).toMatchObject({ status: 'skip', message: expect.stringContaining('P3-AUTOSYNC') });
  });

  test('P3-SELFHEAL names what is missing', async () => {
    const world = { parts: { p3: p3({ objects: application({ syncPolicy: '  syncPolicy:\n    automated:\n      prune: true' }) }) } };
    expect(await grade('P3-SELFHEAL', world)).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('does not set selfHeal'),
      fix: expect.stringContaining('selfHeal: true'),
    });
    expect((await grade('P3-AUTOSYNC', world)).status).toBe('pass');
  });

  test('P3-REPO-LOGIN looks at the repository name, not the owner', async () => {
    const world = { parts: { p3: p3({ objects: application({ repoURL: 'https://github.com/wil42/iot-playground.git' }) }) } };
    expect(await grade('P3-REPO-LOGIN', world)).toMatchObject({ status: 'fail', message: expect.stringContaining('the owner does') });
    expect((await grade('P3-REPO-LOGIN', { logins: ['bob', 'WIL'] })).status).toBe('pass');
    expect(await grade('P3-REPO-LOGIN', { logins: [] })).toMatchObject({ status: 'skip', message: expect.stringContaining('IOT_LOGIN') });
  });
});

describe('P3-IMAGE', () => {
  test.each([
    ['wil42/playground:latest', 8888, 'fail'],
    ['wil42/playground', 8888, 'fail'],
    ['wil42/playground:v1', 80, 'fail'],
    ['docker.io/wil42/playground:v2', 8888, 'pass'],
    ['ghcr.io/wil/app:v2', 80, 'pass'],
    ['nginx:v1', 80, 'fail'],
  ])('%s with port %d: %s', async (image, port, status) => {
    const result = await grade('P3-IMAGE', { parts: { p3: p3({ objects: [...application(), ...deployment(image, port)] }) } });
    expect(result, result.message).toMatchObject({ status });
    if (status === 'fail') expect(result.locations[0]).toEqual({ file: 'p3/confs/app/deployment.yaml', line: 10 });
  });

  test('skips when the app manifests live only in the remote repository', async () => {
    expect(await grade('P3-IMAGE', { parts: { p3: p3({ objects: application() }) } })).toMatchObject({
      status: 'skip',
      message: expect.stringContaining('remote repository'),
    });
  });

  test('an own image needs a login to be judged', async () => {
    const result = await grade('P3-IMAGE', { logins: [], parts: { p3: p3({ objects: deployment('someone/app:v1', 80) }) } });
    expect(result).toMatchObject({ status: 'skip', message: expect.stringContaining('IOT_LOGIN') });
  });
});

describe('bonus', () => {
  const gitlabScript = (namespace = '-n gitlab') =>
    script('bonus/scripts/gitlab.sh', [
      'helm repo add gitlab https://charts.gitlab.io',
      `helm upgrade --install gitlab gitlab/gitlab ${namespace} --create-namespace --set global.hosts.domain=k3d.local --set global.hosts.https=false`,
      ['echo "127.0.0.1 gitlab.k3d.local"', { writesTo: '/etc/hosts' }],
    ]);
  const bonusApp = (repoURL: string) =>
    objects(
      'bonus/confs/application.yaml',
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: app, namespace: argocd}\nspec:\n  source: {repoURL: "${repoURL}", path: app}\n  destination: {server: "https://kubernetes.default.svc", namespace: dev}\n`,
    );
  const bonus = (
    repoURL = 'http://gitlab-webservice-default.gitlab.svc:8181/root/wil-iot.git',
    namespace?: string,
  ): FakeWorld['parts'] => ({
    p3: p3(),
    bonus: { scripts: [gitlabScript(namespace)], objects: bonusApp(repoURL) },
  });
  const files = [...P3_FILES, ...BONUS_FILES];

  test('B-LAYOUT wants both folders', async () => {
    expect((await grade('B-LAYOUT', { parts: bonus() }, files)).status).toBe('pass');
    expect(await grade('B-LAYOUT', { parts: bonus() }, [...P3_FILES, 'bonus/confs/application.yaml'])).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('bonus/scripts/'),
    });
  });

  test('B-GITLAB: the chart into gitlab passes, elsewhere fails', async () => {
    expect((await grade('B-GITLAB', { parts: bonus() }, files)).status).toBe('pass');
    expect(await grade('B-GITLAB', { parts: bonus(undefined, '') }, files)).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('default'),
      fix: expect.stringContaining('-n gitlab'),
    });
    expect(await grade('B-GITLAB', { parts: { bonus: { objects: bonusApp('http://x') } } }, files)).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('does not deploy GitLab'),
    });
  });

  test('B-GITLAB: manifests running gitlab/gitlab-ce in namespace gitlab', async () => {
    const gitlab = objects(
      'bonus/confs/gitlab.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gitlab, namespace: gitlab}\nspec:\n  selector: {matchLabels: {app: gitlab}}\n  template:\n    metadata: {labels: {app: gitlab}}\n    spec:\n      containers: [{name: gitlab, image: "gitlab/gitlab-ce:18.4.1-ce.0"}]\n',
    );
    expect((await grade('B-GITLAB', { parts: { bonus: { objects: gitlab } } }, files)).status).toBe('pass');
  });

  test.each([
    'http://gitlab-webservice-default.gitlab.svc:8181/root/wil-iot.git',
    'http://gitlab.k3d.local/root/wil-iot.git',
    'http://localhost:8080/root/wil-iot.git',
    'http://host.k3d.internal:8929/root/wil-iot.git',
    'http://root:${GITLAB_TOKEN}@localhost:8080/root/wil-iot.git',
  ])('B-ARGOCD-GITLAB: %s is the local GitLab', async (url) => {
    const result = await grade('B-ARGOCD-GITLAB', { parts: bonus(url) }, files);
    expect(result, result.message).toMatchObject({ status: 'pass' });
  });

  test.each([
    ['https://github.com/wil42/wil-iot.git', /github\.com is not the local GitLab/],
    ['http://gitlab.example.org/root/wil-iot.git', /gitlab\.example\.org/],
    ['${GITLAB_URL}/root/wil-iot.git', /\$\{GITLAB_URL\}/],
  ])('B-ARGOCD-GITLAB: %s is not', async (url, message) => {
    expect(await grade('B-ARGOCD-GITLAB', { parts: bonus(url) }, files)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(message),
    });
  });
});

describe('other ways of writing the Application', () => {
  test('a heredoc written to a file, then kubectl apply -f that file', async () => {
    const heredoc =
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: app, namespace: argocd}\nspec:\n  source: {repoURL: "https://github.com/x/wil-app", path: manifests}\n  destination: {server: "https://kubernetes.default.svc", namespace: dev}\n  syncPolicy: {automated: {}}\n';
    const app = script('p3/scripts/app.sh', [
      'echo start',
      ['cat > app.yaml', { heredoc }],
      'kubectl apply -f ./app.yaml',
      'rm -f app.yaml',
    ]);
    app.writtenFiles.push({ path: 'app.yaml', content: heredoc, location: { file: 'p3/scripts/app.sh', line: 2 } });
    const world = { parts: { p3: p3({ scripts: [setup(), app], objects: deployment() }) } };
    const result = await grade('P3-APPLICATION', world);
    expect(result, result.message).toMatchObject({ status: 'pass', locations: [{ file: 'p3/scripts/app.sh', line: 3 }] });
    // The same file applied before it is written is not that Application.
    const early = script('p3/scripts/app.sh', ['kubectl apply -f app.yaml', ['cat > app.yaml', { heredoc }]]);
    early.writtenFiles.push({ path: 'app.yaml', content: heredoc, location: { file: 'p3/scripts/app.sh', line: 2 } });
    expect((await grade('P3-APPLICATION', { parts: { p3: p3({ scripts: [setup(), early], objects: deployment() }) } })).status).toBe(
      'fail',
    );
  });

  test('a heredoc piped to kubectl apply -f -, with spec.sources', async () => {
    const heredoc =
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: app, namespace: argocd}\nspec:\n  sources:\n    - {repoURL: "https://github.com/x/wil-app", path: manifests}\n  destination: {server: "https://kubernetes.default.svc", namespace: dev}\n  syncPolicy: {automated: {}}\n';
    const app = script('p3/scripts/app.sh', [['cat <<EOF | kubectl apply -f -', { heredoc }]]);
    const world = { parts: { p3: p3({ scripts: [setup(), app], objects: deployment() }) } };
    const result = await grade('P3-APPLICATION', world);
    expect(result, result.message).toMatchObject({ status: 'pass', locations: [{ file: 'p3/scripts/app.sh', line: 2 }] });
    expect((await grade('P3-AUTOSYNC', world)).status).toBe('pass');
    expect(await grade('P3-SELFHEAL', world)).toMatchObject({ status: 'fail', message: expect.stringContaining('selfHeal or prune') });
  });
});
