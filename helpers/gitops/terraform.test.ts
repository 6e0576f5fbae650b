import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openTarget } from '../target/repository.ts';
import { tempRepository } from '../shell/testing.ts';
import { applicationsOf } from './applications.ts';
import { objects } from './fake-facts.ts';
import { applicationCharts, gitlabDeployments } from './gitlab.ts';
import { parseHcl } from './hcl.ts';
import { terraformReleases } from './terraform.ts';

async function releasesOf(files: Record<string, string>) {
  const repo = await tempRepository(files);
  return terraformReleases(repo.ctx.target, 'bonus');
}

describe("Terraform's helm_release", () => {
  test('literals, with their lines; the helm provider default namespace when none is set', async () => {
    const [release, other] = await releasesOf({
      'bonus/terraform/main.tf': [
        'resource "helm_release" "gitlab" {',
        '  name       = "gitlab"',
        '  repository = "https://charts.gitlab.io/"',
        '  chart      = "gitlab"',
        '  namespace  = "gitlab"',
        '  version    = "9.4.1"',
        '  create_namespace = true',
        '}',
        'resource "helm_release" "runner" {',
        '  chart = "gitlab-runner"',
        '}',
        '',
      ].join('\n'),
    });
    expect(release).toMatchObject({
      via: 'terraform',
      name: 'gitlab',
      chart: { value: 'gitlab', location: { file: 'bonus/terraform/main.tf', line: 4 } },
      repo: 'https://charts.gitlab.io/',
      namespace: { value: 'gitlab', location: { line: 5 }, unresolved: [] },
      version: { value: '9.4.1' },
      createNamespace: true,
      location: { file: 'bonus/terraform/main.tf', line: 1 },
    });
    expect(other).toMatchObject({ name: 'runner', chart: { value: 'gitlab-runner' }, namespace: undefined });
    const deployments = gitlabDeployments([], [], [release!, other!], []);
    expect(deployments.map((deployment) => deployment.what)).toEqual(["Terraform's helm_release gitlab (chart gitlab)"]);
  });

  test('variables (default, terraform.tfvars, .auto.tfvars.json), locals, a Namespace resource, file() and jsondecode()', async () => {
    const releases = await releasesOf({
      'bonus/tf/variables.tf': 'variable "ns" {\n  default = "wrong"\n}\nvariable "chart" {\n  default = "gitlab"\n}\n',
      'bonus/tf/terraform.tfvars': 'ns = "gitlab"\n',
      'bonus/tf/x.auto.tfvars.json': '{"domain": "k3d.local"}',
      'bonus/confs/settings.json': '{"release": {"name": "gl", "version": "9.4.1"}}',
      'bonus/confs/values.yaml': 'global:\n  hosts:\n    domain: from-file.local\n',
      'bonus/tf/main.tf': [
        'locals {',
        '  settings = jsondecode(file(pathexpand("../confs/settings.json")))',
        '}',
        'resource "kubernetes_namespace" "gitlab" {',
        '  metadata {',
        '    name = var.ns',
        '  }',
        '}',
        'resource "helm_release" "a" {',
        '  name      = local.settings.release.name',
        '  chart     = "${var.chart}"',
        '  version   = local.settings.release.version',
        '  namespace = kubernetes_namespace.gitlab.metadata[0].name',
        '  values    = [file("${path.module}/../confs/values.yaml"), <<-EOT',
        '    global:',
        '      edition: ce',
        '    EOT',
        '  ]',
        '  set {',
        '    name  = "global.hosts.domain"',
        '    value = var.domain',
        '  }',
        '}',
        'resource "helm_release" "b" {',
        '  chart     = "gitlab/gitlab"',
        '  namespace = kubernetes_namespace.gitlab.id',
        '}',
        '',
      ].join('\n'),
    });
    expect(releases[0]).toMatchObject({
      name: 'gl',
      chart: { value: 'gitlab' },
      version: { value: '9.4.1' },
      namespace: { value: 'gitlab', unresolved: [] },
      values: { global: { hosts: { domain: 'from-file.local' }, edition: 'ce' } },
    });
    expect(releases[0]!.sets.get('global.hosts.domain')?.value).toBe('k3d.local');
    expect(releases[1]!.namespace).toMatchObject({ value: 'gitlab' });
  });

  test('what Terraform alone knows stays a named placeholder', async () => {
    const [release] = await releasesOf({
      'bonus/main.tf': 'variable "namespace" {}\nresource "helm_release" "g" {\n  chart = "gitlab"\n  namespace = var.namespace\n}\n',
    });
    expect(release!.namespace).toMatchObject({ value: '${var.namespace}', unresolved: ['var.namespace'], location: { line: 4 } });
  });

  test('a file that does not parse, a symbolic link out of the repository: no crash, nothing read', async () => {
    const repo = await tempRepository({
      'bonus/broken.tf': 'resource "helm_release" "g" {\n  chart = "gitlab"\n  namespace = \n',
      'bonus/ok.tf': 'resource "helm_release" "h" {\n  chart = "gitlab"\n  values = [file("secret.yaml")]\n}\n',
    });
    await symlink('/etc/hostname', join(repo.ctx.config.repo, 'bonus/secret.yaml'));
    const target = await openTarget(repo.ctx.config.repo);
    const releases = await terraformReleases(target, 'bonus');
    expect(releases.find((release) => release.name === 'h')).toMatchObject({ values: undefined });
    expect((await parseHcl('resource "x" "y" {\n  a = \n  b = "kept"\n}\n')).blocks[0]?.labels).toEqual(['x', 'y']);
  });
});

describe('an Argo CD Application of the GitLab chart', () => {
  test('is a Helm release into its destination namespace; another chart or repository is not', () => {
    const manifest = (name: string, repo: string, chart: string, namespace: string) =>
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ${name}, namespace: argocd}
spec:
  source:
    repoURL: ${repo}
    chart: ${chart}
    targetRevision: 9.4.1
    helm:
      parameters: [{name: global.hosts.domain, value: k3d.local}]
  destination: {server: "https://kubernetes.default.svc", namespace: ${namespace}}
  syncPolicy: {syncOptions: [CreateNamespace=true]}
---
`;
    const apps = applicationsOf(
      [],
      objects(
        'bonus/confs/apps.yaml',
        manifest('gitlab', 'https://charts.gitlab.io', 'gitlab', 'gitlab') +
          manifest('runner', 'https://charts.gitlab.io', 'gitlab-runner', 'gitlab') +
          manifest('other', 'https://example.com/charts', 'gitlab', 'gitlab'),
      ),
    );
    const releases = applicationCharts(apps);
    expect(releases).toHaveLength(1);
    expect(releases[0]).toMatchObject({
      via: 'Application',
      name: 'gitlab',
      namespace: { value: 'gitlab' },
      version: { value: '9.4.1' },
      createNamespace: true,
      location: { file: 'bonus/confs/apps.yaml', line: 1 },
    });
    expect(releases[0]!.sets.get('global.hosts.domain')?.value).toBe('k3d.local');
    expect(gitlabDeployments([], [], releases, [])[0]!.what).toBe('the Argo CD Application gitlab of the chart gitlab');
  });
});
