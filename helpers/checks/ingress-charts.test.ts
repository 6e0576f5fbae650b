// Part 2's apps installed from a local Helm chart (drogonj/Inception-Of-Things): the grader does not
// render templates, so a check skips on an object the chart may create, and still fails on the rest.
import { afterEach, expect, test } from 'vitest';
import { contextWith, removeRepos } from '../manifests/test-repo.ts';
import { ingressChecks } from './ingress.ts';
import type { CheckResult } from './result.ts';

afterEach(removeRepos);

const IDS = ['P2-INGRESS-HOSTS', 'P2-INGRESS-DEFAULT', 'P2-BACKENDS', 'P2-THREE-APPS', 'P2-APP2-REPLICAS'] as const;

const CHART = {
  'p2/confs/helm-chart/Chart.yaml': 'apiVersion: v2\nname: helm-chart\nversion: 0.1.0\n',
  'p2/confs/helm-chart/values.yaml': 'replicas: 1\n',
  'p2/confs/helm-chart/templates/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n  selector:\n    matchLabels:\n      app: {{ .Release.Name }}\n  template:\n    metadata:\n      labels:\n        app: {{ .Release.Name }}\n    spec:\n      containers:\n        - name: app\n          image: hashicorp/http-echo\n          ports:\n            - containerPort: 5678\n',
  'p2/confs/helm-chart/templates/service.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-service\nspec:\n  selector:\n    app: {{ .Release.Name }}\n  ports:\n    - port: 80\n      targetPort: 5678\n',
  'p2/confs/app2-values.yaml': 'replicas: 3\n',
};

const DEPLOY =
  '#!/bin/sh\ncd /vagrant/confs\nfor app in app1 app2 app3; do\n  helm install "$app" ./helm-chart -f "$app-values.yaml"\ndone\n';

const rule = (host: string | undefined, service: string, port = 80): string =>
  `    - ${host ? `host: ${host}\n      ` : ''}http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: ${service}\n                port:\n                  number: ${port}\n`;
const ingress = (rules: string): string =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: apps\nspec:\n  rules:\n${rules}`;
const ROUTES = rule('app1.com', 'app1-service') + rule('app2.com', 'app2-service') + rule(undefined, 'app3-service');

async function grade(files: Record<string, string>): Promise<Record<string, CheckResult>> {
  const ctx = await contextWith({ 'p2/Vagrantfile': '#\n', ...files });
  const results: Record<string, CheckResult> = {};
  for (const id of IDS) results[id] = await ingressChecks[id]!(ctx);
  return results;
}
const statuses = (results: Record<string, CheckResult>) => Object.fromEntries(IDS.map((id) => [id, results[id]!.status]));

test('Services and workloads a local chart creates skip, naming the chart and where it is installed', async () => {
  const results = await grade({ ...CHART, 'p2/scripts/deploy.sh': DEPLOY, 'p2/confs/ingress.yaml': ingress(ROUTES) });
  expect(statuses(results)).toEqual({
    'P2-INGRESS-HOSTS': 'pass',
    'P2-INGRESS-DEFAULT': 'pass',
    'P2-BACKENDS': 'skip',
    'P2-THREE-APPS': 'skip',
    'P2-APP2-REPLICAS': 'skip',
  });
  const chart =
    'may come from the local Helm chart p2/confs/helm-chart (installed at p2/scripts/deploy.sh:4), which the grader does not render';
  expect(results['P2-BACKENDS']!.message).toBe(
    `skipped: Services app1-service, app2-service and app3-service are not in the part's YAML; they ${chart} (files under a chart's templates/ are templates, not YAML)`,
  );
  expect(results['P2-APP2-REPLICAS']!.message).toContain(`Service app2-service behind app2.com is not in the part's YAML; it ${chart}`);
});

test('without a script installing the chart, the same Services are missing: a failure', async () => {
  const results = await grade({ ...CHART, 'p2/confs/ingress.yaml': ingress(ROUTES) });
  expect(results['P2-BACKENDS']).toMatchObject({
    status: 'fail',
    message: expect.stringContaining('app1-service, which the part does not define'),
  });
});

test('a backend the chart cannot fix still fails, alone', async () => {
  const app3 =
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: app3-service\nspec:\n  selector:\n    app: app3\n  ports:\n    - port: 80\n';
  const routes = rule('app1.com', 'app1-service') + rule('app2.com', 'app2-service') + rule(undefined, 'app3-service', 8080);
  const results = await grade({
    ...CHART,
    'p2/scripts/deploy.sh': DEPLOY,
    'p2/confs/app3.yaml': app3,
    'p2/confs/ingress.yaml': ingress(routes),
  });
  expect(results['P2-BACKENDS']!.status).toBe('fail');
  expect(results['P2-BACKENDS']!.message).toMatch(
    /^1 broken backend: .*routes to port 8080 of Service app3-service, which has no such port/,
  );
});

test('a missing route fails unless the chart has an Ingress template; then the checks that need routes skip, naming it', async () => {
  const twoRoutes = rule('app1.com', 'app1-service') + rule(undefined, 'app3-service');
  const withoutIngress = await grade({ ...CHART, 'p2/scripts/deploy.sh': DEPLOY, 'p2/confs/ingress.yaml': ingress(twoRoutes) });
  expect(withoutIngress['P2-INGRESS-HOSTS']).toMatchObject({ status: 'fail', message: expect.stringContaining('host app2.com') });

  const ingressTemplate = {
    'p2/confs/helm-chart/templates/ingress.yaml': `{{- if .Values.ingress }}\n${ingress(ROUTES)}{{- end }}\n`,
  };
  const fromChart = await grade({ ...CHART, ...ingressTemplate, 'p2/scripts/deploy.sh': DEPLOY });
  expect(statuses(fromChart)).toEqual(Object.fromEntries(IDS.map((id) => [id, 'skip'])));
  expect(fromChart['P2-INGRESS-HOSTS']!.message).toMatch(
    /^skipped: the part has no Ingress object in YAML; the Ingress routing app1\.com and app2\.com may come from the local Helm chart p2\/confs\/helm-chart/,
  );
  expect(fromChart['P2-INGRESS-DEFAULT']!.message).toMatch(/^skipped: the part's Ingress routes may come from the local Helm chart/);
});
