// Local Helm charts a part's scripts install, and the kinds their templates may create.
import { afterEach, describe, expect, test } from 'vitest';
import { contextWith, removeRepos } from '../manifests/test-repo.ts';
import { script } from './fake-facts.ts';
import { chartSkip, localChartsOf, missingObjectsSkip, type LocalChartInstall } from './local-charts.ts';

afterEach(removeRepos);

/** A chart like drogonj/Inception-Of-Things's: one Deployment and one Service, named after the release. */
const CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: helm-chart\nversion: 0.1.0\n',
  'values.yaml': 'replicas: 1\n',
  'templates/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n',
  'templates/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-service\n',
  'templates/_helpers.tpl': '{{- define "chart.labels" -}}\napp: {{ .Release.Name }}\n{{- end }}\n',
  'templates/NOTES.txt': 'kind: of a note\n',
};

const chartAt = (folder: string, files: Record<string, string> = CHART): Record<string, string> =>
  Object.fromEntries(Object.entries(files).map(([path, text]) => [`${folder}/${path}`, text]));

async function installs(files: Record<string, string>, lines: string[], file = 'p2/scripts/deploy.sh'): Promise<LocalChartInstall[]> {
  const ctx = await contextWith({ 'p2/Vagrantfile': '#\n', ...files });
  return localChartsOf(ctx.target, 'p2', [script(file, lines)]);
}

describe('local chart installs', () => {
  test('a chart folder named relative to the script, after a cd, or under /vagrant; its template kinds', async () => {
    const found = await installs(chartAt('p2/confs/helm-chart'), [
      'helm install app1 ../confs/helm-chart -f ../confs/app1-values.yaml',
      'cd /vagrant/confs',
      'helm upgrade --install app2 ./helm-chart -f app2-values.yaml',
      'helm install app3 /vagrant/confs/helm-chart/',
    ]);
    expect(found.map((install) => [install.folder, install.location.line])).toEqual([
      ['p2/confs/helm-chart', 1],
      ['p2/confs/helm-chart', 3],
      ['p2/confs/helm-chart', 4],
    ]);
    expect([...(found[0]!.kinds ?? [])].sort()).toEqual(['Deployment', 'Service']);
  });

  test('a chart from a repository, a URL or --repo is not local, nor a folder the repository lacks', async () => {
    const found = await installs(chartAt('p2/confs/nginx'), [
      'helm install web bitnami/nginx',
      'helm install web nginx --repo https://charts.bitnami.com/bitnami',
      'helm install web oci://registry-1.docker.io/bitnamicharts/nginx',
      'helm install web ./missing-chart',
    ]);
    expect(found).toEqual([]);
  });

  test('the kinds are unknown for subcharts, a templated kind, or a template made of includes; a pulled chart is unknown', async () => {
    const cases: Array<Record<string, string>> = [
      { ...CHART, 'charts/redis/Chart.yaml': 'name: redis\n' },
      { ...CHART, 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n  - name: redis\n' },
      { ...CHART, 'templates/any.yaml': 'apiVersion: v1\nkind: {{ .Values.kind }}\n' },
      { ...CHART, 'templates/all.yaml': '{{- include "chart.everything" . }}\n' },
    ];
    for (const files of cases) {
      const [install] = await installs(chartAt('p2/confs/chart', files), ['helm install app1 ./confs/chart']);
      expect(install?.kinds, JSON.stringify(files)).toBeUndefined();
    }
    const [pulled] = await installs({}, ['helm pull bitnami/nginx --untar', 'helm install web ./nginx']);
    expect([pulled?.folder, pulled?.kinds, pulled?.origin]).toEqual([
      'nginx',
      undefined,
      'pulled from bitnami/nginx at p2/scripts/deploy.sh:1',
    ]);
  });

  test('a chart path the repository lacks counts after a git clone in the script (slqye/42-inception_of_things), with unknown kinds', async () => {
    const found = await installs({}, [
      'helm install early ./hello-kubernetes',
      'git clone https://github.com/paulbouwer/hello-kubernetes.git',
      'cd hello-kubernetes/deploy/helm',
      'helm install app1 ./hello-kubernetes --namespace hello-kubernetes --set message="Hello from app1"',
    ]);
    expect(found.map((install) => [install.folder, install.kinds, install.origin, install.location.line])).toEqual([
      ['./hello-kubernetes', undefined, 'cloned from https://github.com/paulbouwer/hello-kubernetes.git at p2/scripts/deploy.sh:2', 4],
    ]);
  });
});

describe('skip messages', () => {
  const drogonj: LocalChartInstall[] = [25, 26, 27].map((line) => ({
    chart: './helm-chart',
    folder: 'p2/shared/srcs/helm-chart',
    kinds: new Set(['Deployment', 'Service']),
    location: { file: 'p2/shared/srcs/scripts/deploy.sh', line },
  }));

  test('name the chart and every line that installs it', () => {
    expect(
      missingObjectsSkip(drogonj, [
        { kind: 'Service', service: 'app1-service' },
        { kind: 'Service', service: 'app2-service' },
      ]),
    ).toBe(
      "skipped: Services app1-service and app2-service are not in the part's YAML; they may come from the local Helm chart p2/shared/srcs/helm-chart (installed at p2/shared/srcs/scripts/deploy.sh:25, 26 and 27), which the grader does not render (files under a chart's templates/ are templates, not YAML)",
    );
    expect(missingObjectsSkip(drogonj, [{ kind: 'workload', service: 'app2', behind: 'app2.com' }])).toMatch(
      /^skipped: the workload of Service app2 behind app2\.com is not in the part's YAML; it may come from the local Helm chart/,
    );
  });

  test('none when no chart may create the kind', () => {
    expect(chartSkip(drogonj, ['Ingress'], 'the route')).toBeUndefined();
    expect(missingObjectsSkip([], [{ kind: 'Service', service: 'app1' }])).toBeUndefined();
    expect(chartSkip([{ ...drogonj[0]!, kinds: undefined }], ['Ingress'], 'the route')).toMatch(/^skipped: the route may come from/);
  });
});
