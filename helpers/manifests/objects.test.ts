import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { classifyDocument } from './kinds.ts';
import { kustomizeFacts, remoteResources } from './kustomize.ts';
import type { ManifestObject } from './model.ts';
import { declaredObjects } from './objects.ts';
import { contextWith, removeRepos } from './test-repo.ts';

afterEach(removeRepos);

const summary = (objects: ManifestObject[]) =>
  objects.map((obj) => `${obj.origin} ${obj.kind} ${obj.name} ${obj.location.file}:${obj.location.line}`);

describe('which documents are Kubernetes objects', () => {
  test.each([
    ['a Deployment', { apiVersion: 'apps/v1', kind: 'Deployment' }, true],
    ['an Argo CD Application', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' }, true],
    ['a CRD kind with a group', { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute' }, true],
    ['K3s HelmChart', { apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart' }, true],
    ['a mistyped apiVersion of a built-in kind', { apiVersion: 'app/v1', kind: 'Deployment' }, true],
    ['a kubeconfig', { apiVersion: 'v1', kind: 'Config', clusters: [] }, false],
    ['a k3d config', { apiVersion: 'k3d.io/v1alpha5', kind: 'Simple' }, false],
    ['a kind config', { apiVersion: 'kind.x-k8s.io/v1alpha4', kind: 'Cluster' }, false],
    ['a kustomization', { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' }, false],
    ['a kubelet config', { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration' }, false],
    ['a Helm Chart.yaml', { apiVersion: 'v2', name: 'chart' }, false],
    ['Skaffold', { apiVersion: 'skaffold/v4beta6', kind: 'Config' }, false],
    ['K3s config', { 'write-kubeconfig-mode': '0644', 'node-ip': '192.168.56.110' }, false],
    ['docker-compose', { services: { web: { image: 'nginx' } } }, false],
    ['a GitHub workflow', { name: 'ci', on: { push: null }, jobs: {} }, false],
    ['a list of things', [1, 2], false],
  ])('%s', (_, data, expected) => {
    expect(classifyDocument(data).object).toBe(expected);
  });
});

describe('the objects of a part', () => {
  test('YAML objects in file order (Lists expanded, configuration left out)', async () => {
    const ctx = await contextWith({
      'p2/confs/a.yaml':
        'apiVersion: v1\nkind: Service\nmetadata: {name: one}\n---\n# nothing\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: two}\n',
      'p2/confs/k3s.yaml': 'write-kubeconfig-mode: "0644"\n',
      'p2/confs/kubeconfig.yaml': 'apiVersion: v1\nkind: Config\nclusters: []\n',
      'p2/confs/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, name: dup}\n',
      'p3/confs/other.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n',
    });
    const objects = await declaredObjects(ctx, 'p2');
    expect(summary(objects)).toEqual(['yaml Service one p2/confs/a.yaml:1', 'yaml ConfigMap two p2/confs/a.yaml:10']);
    expect(objects[1].lineOf(['metadata', 'name'])).toBe(12);
    expect(await declaredObjects(ctx, 'p2')).toBe(objects);
  });

  test("placeholders come from the part's .env, then the repository's", async () => {
    const ctx = await contextWith({
      '.env.example': 'TAG=1.0\nREPLICAS=1\n',
      'p2/.env': 'REPLICAS=3\n',
      'p2/confs/app.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app2}\nspec:\n  replicas: ${REPLICAS}\n  template:\n    spec:\n      containers: [{name: a, image: "nginx:$TAG", args: ["$MISSING"]}]\n',
    });
    const [deployment] = await declaredObjects(ctx, 'p2');
    expect(deployment.body.spec).toMatchObject({
      replicas: 3,
      template: { spec: { containers: [{ image: 'nginx:1.0', args: ['$MISSING'] }] } },
    });
    expect(deployment.unresolved).toEqual({ 'spec.template.spec.containers[0].args[0]': ['$MISSING'] });
  });
});

describe('kustomizations', () => {
  const kustomizeRepo = {
    'p2/confs/kustomization.yaml': [
      'namespace: apps',
      'resources:',
      '  - app.yaml',
      '  - https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/manifests/install.yaml',
      '  - github.com/org/repo//base?ref=v1',
      'patches:',
      '  - path: replicas-patch.yaml',
      '',
    ].join('\n'),
    'p2/confs/app.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app2}\nspec:\n  replicas: 1\n',
    'p2/confs/replicas-patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app2}\nspec:\n  replicas: 3\n',
  };
  let bin: string;
  const savedPath = process.env.PATH;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'iot-fake-kubectl-'));
    // A stand-in for kubectl: records its arguments and the kustomization it was given, prints a build.
    writeFileSync(
      join(bin, 'kubectl'),
      `#!/bin/sh\necho "$@" > ${bin}/args\ncat "$2/kustomization.yaml" > ${bin}/kustomization\nfind . -type f | sort > ${bin}/tree\nprintf 'apiVersion: apps/v1\\nkind: Deployment\\nmetadata:\\n  name: app2\\n  namespace: apps\\nspec:\\n  replicas: 3\\n'\n`,
    );
    chmodSync(join(bin, 'kubectl'), 0o755);
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  test('remote resources are recorded, not fetched, with the kustomization namespace', async () => {
    process.env.PATH = '/nonexistent';
    const ctx = await contextWith(kustomizeRepo);
    expect(await remoteResources(ctx, 'p2')).toEqual([
      {
        url: 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/manifests/install.yaml',
        kustomization: 'p2/confs/kustomization.yaml',
        line: 4,
        namespace: 'apps',
      },
      { url: 'github.com/org/repo//base?ref=v1', kustomization: 'p2/confs/kustomization.yaml', line: 5, namespace: 'apps' },
    ]);
  });

  test('without kubectl, the build is skipped with the reason, resources are read as written, patches are not objects', async () => {
    process.env.PATH = '/nonexistent';
    const ctx = await contextWith(kustomizeRepo);
    const facts = await kustomizeFacts(ctx, 'p2');
    expect(facts.builds).toHaveLength(1);
    expect(facts.builds[0].notBuilt).toBe(
      'kubectl is not installed, so p2/confs/kustomization.yaml was not built (install kubectl to check the objects it builds)',
    );
    expect(summary(await declaredObjects(ctx, 'p2'))).toEqual(['yaml Deployment app2 p2/confs/app.yaml:1']);
  });

  test('with kubectl, the built objects replace their resource files and point at their source lines', async () => {
    process.env.PATH = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
    const ctx = await contextWith(kustomizeRepo);
    const objects = await declaredObjects(ctx, 'p2');
    expect(summary(objects)).toEqual(['kustomize Deployment app2 p2/confs/app.yaml:1']);
    expect(objects[0].namespace).toBe('apps');
    expect(objects[0].body.spec).toEqual({ replicas: 3 });
    expect(objects[0].lineOf(['spec', 'replicas'])).toBe(5);
    expect(readFileSync(join(bin, 'args'), 'utf8')).toMatch(/^kustomize \S+\/p2\/confs --load-restrictor LoadRestrictionsRootOnly$/m);
    // The copy kubectl built has no remote resource left.
    expect(readFileSync(join(bin, 'kustomization'), 'utf8')).not.toMatch(/https:|github\.com/);
    expect(readFileSync(join(bin, 'kustomization'), 'utf8')).toMatch(/app\.yaml/);
  });

  test('an overlay is built with the base it includes; the base is not built on its own', async () => {
    process.env.PATH = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
    const ctx = await contextWith({
      'p2/base/kustomization.yaml': 'resources: [app.yaml]\n',
      'p2/base/app.yaml': kustomizeRepo['p2/confs/app.yaml'],
      'p2/confs/kustomization.yaml': 'resources: [../base]\nnamePrefix: prod-\n',
      'p2/confs/unrelated.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n',
    });
    const facts = await kustomizeFacts(ctx, 'p2');
    expect(facts.kustomizations.map((k) => [k.file, k.topLevel, k.resourceFiles])).toEqual([
      ['p2/base/kustomization.yaml', false, ['p2/base/app.yaml']],
      ['p2/confs/kustomization.yaml', true, ['p2/base/app.yaml']],
    ]);
    expect(facts.builds.map((build) => build.kustomization.file)).toEqual(['p2/confs/kustomization.yaml']);
    expect([...facts.replacedByBuild]).toEqual(['p2/base/app.yaml']);
    // kubectl built a copy holding the overlay and the base, nothing else.
    expect(readFileSync(join(bin, 'tree'), 'utf8').trim().split('\n')).toEqual([
      './p2/base/app.yaml',
      './p2/base/kustomization.yaml',
      './p2/confs/kustomization.yaml',
      './p2/confs/unrelated.yaml',
    ]);
    // The fake build prints app2: it stands for prod-app2 and is reported at the base's document.
    expect(summary(await declaredObjects(ctx, 'p2'))).toEqual([
      'yaml ConfigMap other p2/confs/unrelated.yaml:1',
      'kustomize Deployment app2 p2/base/app.yaml:1',
    ]);
  });

  test('a base written with a trailing slash (../base/) is the same folder: included, not built on its own', async () => {
    process.env.PATH = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
    const ctx = await contextWith({
      'p2/confs/base/kustomization.yml': 'resources: [app.yaml]\n',
      'p2/confs/base/app.yaml': kustomizeRepo['p2/confs/app.yaml'],
      'p2/confs/overlays/one/kustomization.yml': 'resources:\n  - ../../base/\nnameSuffix: -one\n',
    });
    const facts = await kustomizeFacts(ctx, 'p2');
    expect(facts.kustomizations.map((k) => [k.file, k.topLevel, k.resourceFiles])).toEqual([
      ['p2/confs/base/kustomization.yml', false, ['p2/confs/base/app.yaml']],
      ['p2/confs/overlays/one/kustomization.yml', true, ['p2/confs/base/app.yaml']],
    ]);
    expect(facts.kustomizations[1].remote).toEqual([]);
    expect(readFileSync(join(bin, 'tree'), 'utf8').trim().split('\n')).toEqual([
      './p2/confs/base/app.yaml',
      './p2/confs/base/kustomization.yml',
      './p2/confs/overlays/one/kustomization.yml',
    ]);
  });

  test('a kustomization that runs plugins or reads outside the repository is not built', async () => {
    process.env.PATH = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
    const ctx = await contextWith({
      'p2/confs/kustomization.yaml': 'resources: [app.yaml]\nhelmCharts:\n  - name: x\n',
      'p2/confs/app.yaml': kustomizeRepo['p2/confs/app.yaml'],
      'p3/confs/kustomization.yaml': 'resources:\n  - ../../../../etc/secrets\n',
    });
    expect((await kustomizeFacts(ctx, 'p2')).builds[0].notBuilt).toBe(
      'p2/confs/kustomization.yaml uses helmCharts, which run plugins or fetch charts; the grader does not build it',
    );
    expect((await kustomizeFacts(ctx, 'p3')).builds[0].notBuilt).toBe(
      'p3/confs/kustomization.yaml:2: "../../../../etc/secrets" lies outside the repository; the grader does not build it',
    );
    expect(summary(await declaredObjects(ctx, 'p2'))).toEqual(['yaml Deployment app2 p2/confs/app.yaml:1']);
  });
});
