import { describe, expect, test } from 'vitest';
import { argoInstalls, argoManifestRef, PINNED_REF } from './argocd-install.ts';
import { objects, script, words } from './fake-facts.ts';

const RAW = 'https://raw.githubusercontent.com/argoproj/argo-cd';

describe('argoManifestRef', () => {
  test.each([
    [`${RAW}/v3.1.5/manifests/install.yaml`, 'v3.1.5'],
    [`${RAW}/stable/manifests/ha/install.yaml`, 'stable'],
    [`${RAW}/refs/tags/v2.14.2/manifests/core-install.yaml`, 'v2.14.2'],
    ['https://github.com/argoproj/argo-cd/releases/download/v3.0.0/install.yaml', 'v3.0.0'],
    ['https://github.com/argoproj/argo-cd/releases/latest/download/install.yaml', 'latest'],
    ['https://github.com/argoproj/argo-cd/raw/master/manifests/install.yaml', 'master'],
    ['github.com/argoproj/argo-cd/manifests/cluster-install?ref=v2.9.3', 'v2.9.3'],
    ['https://github.com/argoproj/argo-cd//manifests/cluster-install', ''],
  ])('%s names %s', (url, ref) => expect(argoManifestRef(url)).toBe(ref));

  test.each([
    'https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/manifests/crds/application-crd.yaml',
    'https://raw.githubusercontent.com/someone/argo-cd/v3.1.5/manifests/install.yaml',
    'https://get.k3s.io',
  ])('%s is not an install manifest', (url) => expect(argoManifestRef(url)).toBeUndefined());

  test('pinned refs', () => {
    expect(['v3.1.5', 'v2.10.0-rc1', 'a'.repeat(40)].every((ref) => PINNED_REF.test(ref))).toBe(true);
    expect(['stable', 'latest', 'master', 'release-2.9', 'v3', ''].some((ref) => PINNED_REF.test(ref))).toBe(false);
  });
});

const empty = { objects: [], kustomizations: [] };

describe('argoInstalls', () => {
  test('kubectl apply of the URL, namespace from -n, ref through a constant', () => {
    const [install, ...rest] = argoInstalls({
      ...empty,
      scripts: [
        script(
          'p3/scripts/setup.sh',
          ['kubectl create namespace argocd', `kubectl apply -n argocd -f ${RAW}/\${V}/manifests/install.yaml`],
          { V: 'v3.1.5' },
        ),
      ],
    });
    expect(rest).toEqual([]);
    expect(install).toMatchObject({
      via: 'manifest URL',
      namespace: { value: 'argocd' },
      version: { value: 'v3.1.5', unresolved: [] },
      location: { line: 2 },
    });
  });

  test('an unresolved ref is named; the namespace may come from set-context', () => {
    const [install] = argoInstalls({
      ...empty,
      scripts: [
        script('s.sh', [
          'kubectl config set-context --current --namespace=argocd',
          `kubectl apply -f ${RAW}/\${ARGO}/manifests/install.yaml`,
        ]),
      ],
    });
    expect(install!.namespace?.value).toBe('argocd');
    expect(install!.version).toMatchObject({ value: '${ARGO}', unresolved: ['${ARGO}'] });
  });

  test('no -n leaves the namespace unset', () => {
    const [install] = argoInstalls({ ...empty, scripts: [script('s.sh', [`sudo kubectl apply -f ${RAW}/stable/manifests/install.yaml`])] });
    expect(install!.namespace).toBeUndefined();
  });

  test('curl piped into kubectl apply -f -, and a download applied later', () => {
    const setup = script('s.sh', [
      `curl -sSL ${RAW}/v3.0.6/manifests/install.yaml | kubectl apply -n argocd -f -`,
      `curl -sSLo /tmp/argocd.yaml ${RAW}/v3.0.7/manifests/install.yaml`,
      'kubectl apply --namespace argocd -f /tmp/argocd.yaml',
    ]);
    setup.downloads = [
      { url: words(`${RAW}/v3.0.7/manifests/install.yaml`)[0]!, to: '/tmp/argocd.yaml', location: { file: 's.sh', line: 3 } },
    ];
    const installs = argoInstalls({ ...empty, scripts: [setup] });
    expect(installs.map((install) => [install.via, install.version?.value, install.namespace?.value])).toEqual([
      ['manifest URL', 'v3.0.6', 'argocd'],
      ['downloaded manifest', 'v3.0.7', 'argocd'],
    ]);
  });

  test('helm install of the chart, and a K3s HelmChart', () => {
    const installs = argoInstalls({
      scripts: [
        script('s.sh', [
          'helm repo add argo https://argoproj.github.io/argo-helm',
          'helm upgrade --install argocd argo/argo-cd -n argocd --create-namespace --version 8.3.0',
        ]),
      ],
      objects: objects(
        'p3/confs/argocd.yaml',
        'apiVersion: helm.cattle.io/v1\nkind: HelmChart\nmetadata:\n  name: argocd\n  namespace: kube-system\nspec:\n  repo: https://argoproj.github.io/argo-helm\n  chart: argo-cd\n  targetNamespace: argocd\n',
      ),
      kustomizations: [],
    });
    expect(installs.map((install) => [install.via, install.namespace?.value, install.version?.value])).toEqual([
      ['Helm chart', 'argocd', '8.3.0'],
      ['HelmChart object', 'argocd', undefined],
    ]);
  });

  test('a kustomization naming the manifest URL', () => {
    const [install] = argoInstalls({
      scripts: [],
      objects: [],
      kustomizations: [
        {
          file: 'p3/confs/argocd/kustomization.yaml',
          namespace: 'argocd',
          resourceFiles: [],
          remote: [{ url: `${RAW}/v3.1.5/manifests/install.yaml`, line: 4 }],
        },
      ],
    });
    expect(install).toMatchObject({
      via: 'kustomize resource',
      namespace: { value: 'argocd' },
      version: { value: 'v3.1.5' },
      location: { file: 'p3/confs/argocd/kustomization.yaml', line: 4 },
    });
  });

  test('a local copy: namespace from the kubectl apply of its file, version from the argocd image', () => {
    const copy = objects(
      'p3/confs/argocd/install.yaml',
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: argocd-server',
        'spec:',
        '  selector: {matchLabels: {a: b}}',
        '  template:',
        '    metadata: {labels: {a: b}}',
        '    spec:',
        '      containers:',
        '        - name: argocd-server',
        '          image: quay.io/argoproj/argocd:v3.1.5',
        '',
      ].join('\n'),
    );
    const [install] = argoInstalls({
      scripts: [script('s.sh', ['kubectl apply -n argocd -f "$(dirname "$0")/../confs/argocd/"'])],
      objects: copy,
      kustomizations: [],
    });
    expect(install).toMatchObject({
      via: 'local copy',
      namespace: { value: 'argocd' },
      version: { value: 'v3.1.5', location: { line: 12 } },
    });
  });
});
