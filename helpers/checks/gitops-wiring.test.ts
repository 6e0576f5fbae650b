// The gitops checks on the real shell and manifest modules, for ways of writing Part 3 the
// fixtures do not use: a kustomization naming Argo CD's manifest URL, an Application in a
// heredoc, `argocd app create` then `argocd app set`, and the Helm chart.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { GradingContext } from '../target/grading-context.ts';
import { gitopsChecks } from './gitops.ts';
import type { CheckResult } from './result.ts';
import { readConfig } from '../config/env.ts';
import { openTarget } from '../target/repository.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function grade(files: Record<string, string>, logins = 'wil'): Promise<Record<string, CheckResult>> {
  const dir = await mkdtemp(join(tmpdir(), 'iot-gitops-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const ctx = new GradingContext(readConfig({ IOT_REPO: dir, IOT_LOGIN: logins }), await openTarget(dir));
  const results: Record<string, CheckResult> = {};
  for (const [id, check] of Object.entries(gitopsChecks)) results[id] = await check(ctx);
  return results;
}

const summary = (results: Record<string, CheckResult>): string[] =>
  Object.entries(results).map(([id, result]) => `${id}: ${result.status} (${result.message})`);

test('a kustomization naming the install URL, an Application in a heredoc', async () => {
  const results = await grade({
    'p3/confs/argocd/kustomization.yaml':
      'namespace: argocd\nresources:\n  - namespace.yaml\n  - https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/manifests/install.yaml\n',
    'p3/confs/argocd/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n',
    'p3/scripts/setup.sh': [
      '#!/bin/bash',
      'set -euo pipefail',
      'REPO="https://github.com/wil42/wil-iot.git"',
      'kubectl apply -k "$(dirname "$0")/../confs/argocd"',
      'cat <<EOF | kubectl apply -f -',
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata:',
      '  name: playground',
      '  namespace: argocd',
      'spec:',
      '  project: default',
      '  source:',
      '    repoURL: ${REPO}',
      '    path: app',
      '  destination:',
      '    server: https://kubernetes.default.svc',
      '    namespace: dev',
      '  syncPolicy:',
      '    automated: {prune: true, selfHeal: true}',
      '    syncOptions: [CreateNamespace=true]',
      'EOF',
      '',
    ].join('\n'),
  });
  const expected = {
    'P3-NAMESPACES': 'pass',
    'P3-ARGOCD-INSTALL': 'pass',
    'P3-ARGOCD-PINNED': 'pass',
    'P3-APPLICATION': 'pass',
    'P3-AUTOSYNC': 'pass',
    'P3-SELFHEAL': 'pass',
    'P3-REPO-LOGIN': 'pass',
    'P3-IMAGE': 'skip',
  };
  for (const [id, status] of Object.entries(expected)) expect(summary(results)).toContain(`${id}: ${status} (${results[id]!.message})`);
  expect(results['P3-ARGOCD-INSTALL']!.message).toContain('kustomization');
  expect(results['P3-APPLICATION']!.locations[0]).toMatchObject({ file: 'p3/scripts/setup.sh' });
});

test('argocd app create then app set, Argo CD from its Helm chart', async () => {
  const results = await grade({
    'p3/confs/app/deployment.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers: [{name: a, image: "wil/iot-app:v2"}]\n',
    'p3/scripts/setup.sh': [
      '#!/bin/bash',
      'set -euo pipefail',
      'CHART_VERSION=8.3.0',
      'helm repo add argo https://argoproj.github.io/argo-helm',
      'helm upgrade --install argocd argo/argo-cd \\',
      '  --namespace argocd --create-namespace \\',
      '  --version "$CHART_VERSION" --wait',
      'kubectl create namespace dev',
      'argocd app create playground \\',
      '  --repo https://github.com/wil42/iot-of-wil.git --path app \\',
      '  --dest-server https://kubernetes.default.svc --dest-namespace dev',
      'argocd app set playground --sync-policy automated --self-heal',
      '',
    ].join('\n'),
  });
  const expected = {
    'P3-NAMESPACES': 'pass',
    'P3-ARGOCD-INSTALL': 'pass',
    'P3-ARGOCD-PINNED': 'pass',
    'P3-APPLICATION': 'pass',
    'P3-AUTOSYNC': 'pass',
    'P3-SELFHEAL': 'fail',
    'P3-REPO-LOGIN': 'pass',
    'P3-IMAGE': 'pass',
  };
  for (const [id, status] of Object.entries(expected)) expect(summary(results)).toContain(`${id}: ${status} (${results[id]!.message})`);
  expect(results['P3-SELFHEAL']).toMatchObject({ message: expect.stringContaining('prune'), fix: expect.stringContaining('--auto-prune') });
  expect(results['P3-ARGOCD-PINNED']!.message).toContain('8.3.0');
});

test('GitLab and its Application in a YAML file that does not parse: the bonus checks skip naming G-YAML; an unrelated broken file does not hide a missing GitLab', async () => {
  const gitlab = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: gitlab, namespace: gitlab}',
    'spec:',
    '  selector: {matchLabels: {app: gitlab}}',
    '  template:',
    '    metadata: {labels: {app: gitlab}}',
    '    spec:',
    '      containers:',
    '        - name: gitlab',
    '          image: gitlab/gitlab-ce:18.4.1-ce.0',
    '          ports: [{containerPort: 80}]',
    '          ports: [{containerPort: 22}]',
    '---',
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: {name: app, namespace: argocd}',
    'metadata: {name: twice}',
    '',
  ].join('\n');
  const broken = await grade({
    'bonus/confs/gitlab.yaml': gitlab,
    'bonus/scripts/setup.sh': '#!/bin/bash\nkubectl apply -f ../confs/gitlab.yaml\n',
  });
  expect(broken['B-GITLAB']).toMatchObject({
    status: 'skip',
    message: expect.stringMatching(/^skipped: G-YAML failed \(bonus\/confs\/gitlab\.yaml:13: .*GitLab's deployment/),
  });
  expect(broken['B-ARGOCD-GITLAB']).toMatchObject({
    status: 'skip',
    message: expect.stringMatching(/^skipped: G-YAML failed \(bonus\/confs\/gitlab\.yaml:13: .*the Application/),
  });
  const unrelated = await grade({
    'bonus/confs/ci.yml': 'script:\n  - a: b: c\n',
    'bonus/scripts/setup.sh': '#!/bin/bash\necho nothing\n',
  });
  expect(unrelated['B-GITLAB']!.status).toBe('fail');
  expect(unrelated['B-ARGOCD-GITLAB']!.status).toBe('fail');
});

describe('an Application a script applies from a heredoc counts as a manifest', () => {
  const application = (repo: string, extra = '') => [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    '  name: playground',
    'spec:',
    '  project: default',
    '  source:',
    `    repoURL: ${repo}`,
    `    path: app${extra}`,
    '  destination:',
    '    server: https://kubernetes.default.svc',
    '    namespace: dev',
    '  syncPolicy:',
    '    automated: {prune: true, selfHeal: true}',
    '    syncOptions: [CreateNamespace=true]',
  ];
  const install =
    'kubectl create namespace argocd\nkubectl apply -n argocd -f https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/manifests/install.yaml';

  test('a command over several lines: positions point at the heredoc lines of the script; the schema is checked', async () => {
    const results = await grade({
      'p3/scripts/setup.sh': [
        '#!/bin/bash',
        install,
        'kubectl apply -n argocd \\',
        '  -f - <<EOF',
        ...application('https://github.com/wil42/wil-iot.git', '\n    targetRevison: main'),
        'EOF',
        '',
      ].join('\n'),
    });
    // Line 6 is the heredoc's first line (apiVersion); targetRevison is on line 15.
    expect(results['P3-APPLICATION']).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(
        'the Application playground (p3/scripts/setup.sh:6) is not schema-valid: p3/scripts/setup.sh:15: spec.source.targetRevison: unknown field',
      ),
      locations: [{ file: 'p3/scripts/setup.sh', line: 15 }],
    });
  });

  test('cat <<EOF | kubectl apply -f -, envsubst of a quoted heredoc, -f /dev/stdin: placeholders resolved as in the script', async () => {
    const forms = {
      cat: ['REPO=https://github.com/wil42/wil-iot.git', 'cat <<EOF | kubectl apply -f -', ...application('${REPO}'), 'EOF'],
      envsubst: [
        'export REPO=https://github.com/wil42/wil-iot.git',
        "envsubst <<'EOF' | kubectl apply -f -",
        ...application('${REPO}'),
        'EOF',
      ],
      devStdin: ['REPO=https://github.com/wil42/wil-iot.git', 'kubectl apply -f /dev/stdin <<EOF', ...application('$REPO'), 'EOF'],
    };
    for (const [form, lines] of Object.entries(forms)) {
      const results = await grade({ 'p3/scripts/setup.sh': ['#!/bin/bash', install, ...lines, ''].join('\n') });
      expect(`${form}: ${results['P3-APPLICATION']!.status}: ${results['P3-APPLICATION']!.message}`).toBe(
        `${form}: pass: the Application playground (p3/scripts/setup.sh:6) deploys https://github.com/wil42/wil-iot.git, path app, into namespace dev of the in-cluster API`,
      );
      expect(results['P3-AUTOSYNC']!.status).toBe('pass');
    }
  });

  test('a placeholder nothing sets fails P3-APPLICATION, naming it', async () => {
    const results = await grade({
      'p3/scripts/setup.sh': ['#!/bin/bash', install, 'kubectl apply -f - <<EOF', ...application('${REPO_URL}'), 'EOF', ''].join('\n'),
    });
    expect(results['P3-APPLICATION']).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('repoURL at p3/scripts/setup.sh:12 holds ${REPO_URL}, which nothing resolves'),
    });
  });
});
