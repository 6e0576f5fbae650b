import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { readConfig } from '../config/env.ts';
import { declaredObjects } from '../manifests/objects.ts';
import { contextWith, removeRepos } from '../manifests/test-repo.ts';
import { runCheck } from './grade.ts';
import { validateObject } from '../manifests/validate.ts';
import { openTarget } from '../target/repository.ts';
import { GradingContext } from '../target/grading-context.ts';
import { materialize, removeMaterialized } from './fixtures.ts';
import { ingressChecks } from './ingress.ts';
import type { CheckResult, Status } from './result.ts';

const IDS = [
  'G-YAML',
  'P2-MANIFESTS',
  'P2-INGRESS-HOSTS',
  'P2-INGRESS-DEFAULT',
  'P2-BACKENDS',
  'P2-THREE-APPS',
  'P2-APP2-REPLICAS',
] as const;
type Id = (typeof IDS)[number];

const built: string[] = [];
afterAll(async () => Promise.all(built.map(removeMaterialized)));
afterEach(removeRepos);

async function runAll(ctx: GradingContext): Promise<Record<Id, CheckResult>> {
  const results = {} as Record<Id, CheckResult>;
  // Through the grader, as a run grades them: a missing part is judged there (grade.ts).
  for (const id of IDS) results[id] = await runCheck(ctx, id);
  return results;
}

async function gradeFixture(name: string): Promise<Record<Id, CheckResult>> {
  const dir = await materialize(name);
  built.push(dir);
  return runAll(new GradingContext(readConfig({ IOT_REPO: dir }), await openTarget(dir)));
}

const statuses = (results: Record<Id, CheckResult>) => Object.fromEntries(IDS.map((id) => [id, results[id].status]));
const all = (status: Status, overrides: Partial<Record<Id, Status>> = {}) => ({
  ...Object.fromEntries(IDS.map((id) => [id, status])),
  ...overrides,
});

test('ingressChecks implements exactly its checks', () => {
  expect(Object.keys(ingressChecks).sort()).toEqual([...IDS].sort());
});

test('the passing repository passes every check, loading and validating its manifests quickly', async () => {
  const results = await gradeFixture('passing');
  expect(statuses(results), JSON.stringify(results, null, 1)).toEqual(all('pass'));
  expect(results['P2-INGRESS-HOSTS'].message).toBe(
    'app1.com → Service app1 (p2/confs/apps.yaml:116), app2.com → Service app2 (p2/confs/apps.yaml:126)',
  );
  expect(results['P2-APP2-REPLICAS'].message).toBe('Deployment app2 behind app2.com has spec.replicas: 3 (p2/confs/apps.yaml:40)');
});

test("loading and validating the passing repository's manifests takes well under a second", async () => {
  const dir = join(import.meta.dirname, '../../suites/fixtures/passing');
  const ctx = new GradingContext(readConfig({ IOT_REPO: dir }), await openTarget(dir));
  const started = performance.now();
  const objects = await declaredObjects(ctx, 'p2');
  const problems = objects.flatMap(validateObject);
  const elapsed = performance.now() - started;
  expect(objects).toHaveLength(7);
  expect(problems).toEqual([]);
  console.log(`passing fixture: ${objects.length} objects of p2 loaded and validated in ${elapsed.toFixed(0)} ms`);
  expect(elapsed).toBeLessThan(500);
});

describe('failing fixtures break their check only (others pass or skip, naming the owner)', () => {
  const cases: Array<[string, Partial<Record<Id, Status>>, RegExp]> = [
    [
      'G-YAML--duplicate-key',
      { 'G-YAML': 'fail', 'P2-BACKENDS': 'skip', 'P2-THREE-APPS': 'skip', 'P2-APP2-REPLICAS': 'skip' },
      /^1 YAML problem: p2\/confs\/apps\.yaml:52: Map keys must be unique$/,
    ],
    ['G-YAML--alias-bomb', { 'G-YAML': 'fail' }, /^1 YAML problem: p2\/confs\/values\.yaml:2: document 1 expands more than 50 aliases/],
    [
      'G-YAML--huge-file',
      { 'G-YAML': 'fail' },
      /^1 YAML problem: p2\/confs\/generated\.yaml is \d+ KiB, over the 4096 KiB the grader reads/,
    ],
    [
      'P2-MANIFESTS--replicaz',
      { 'P2-MANIFESTS': 'fail' },
      /^1 problem the API server would reject: p2\/confs\/apps\.yaml:6: Deployment app1: spec\.replicaz: unknown field; did you mean replicas\?$/,
    ],
    [
      'P2-MANIFESTS--label-value',
      { 'P2-MANIFESTS': 'fail' },
      /^1 problem the API server would reject: p2\/confs\/apps\.yaml:6: Deployment app1: metadata\.labels\.owner: invalid label value "wil @ 42": use letters, digits/,
    ],
    [
      'P2-INGRESS-HOSTS',
      { 'P2-INGRESS-HOSTS': 'fail', 'P2-THREE-APPS': 'skip', 'P2-APP2-REPLICAS': 'skip' },
      /^no Ingress rule routes host app2\.com with path \/; the rules route app1\.com \(path \/\), app2\.fr \(path \/\)$/,
    ],
    [
      'P2-INGRESS-DEFAULT',
      { 'P2-INGRESS-DEFAULT': 'fail', 'P2-THREE-APPS': 'skip' },
      /^no Ingress routes requests for other hosts: none has a rule without host, and no Ingress without rules has spec\.defaultBackend \(p2\/confs\/apps\.yaml:105\)$/,
    ],
    [
      'P2-INGRESS-DEFAULT--beside-rules',
      { 'P2-INGRESS-DEFAULT': 'fail', 'P2-THREE-APPS': 'skip' },
      /^spec\.defaultBackend of Ingress apps \(p2\/confs\/apps\.yaml:110\) is ignored: Traefik, K3s's ingress controller, only uses spec\.defaultBackend on an Ingress that has no rules/,
    ],
    [
      'P2-BACKENDS',
      { 'P2-BACKENDS': 'fail', 'P2-THREE-APPS': 'skip' },
      /^1 broken backend: p2\/confs\/apps\.yaml:29: Service app1 selects app=app-1, which no workload's pod template carries/,
    ],
    [
      'P2-BACKENDS--target-port',
      { 'P2-BACKENDS': 'fail' },
      /^1 broken backend: p2\/confs\/apps\.yaml:69: Service app2 sends traffic to the container port named web-http, but Deployment app2 has no container port with that name \(named ports: http \(8080\)\)$/,
    ],
    [
      'P2-THREE-APPS',
      { 'P2-THREE-APPS': 'fail', 'P2-APP2-REPLICAS': 'skip' },
      /^the three routes do not reach three different workloads: app1\.com and app2\.com both reach Deployment app1$/,
    ],
    [
      'P2-APP2-REPLICAS',
      { 'P2-APP2-REPLICAS': 'fail' },
      /^p2\/confs\/apps\.yaml:40: Deployment app2 behind app2\.com has spec\.replicas: 2$/,
    ],
    [
      'P2-APP2-REPLICAS--autoscaler',
      { 'P2-APP2-REPLICAS': 'fail' },
      /does not set spec\.replicas, so it runs 1 pod \(the minReplicas of HorizontalPodAutoscaler app2 does not count\)$/,
    ],
  ];
  test.each(cases)('%s', async (name, expected, message) => {
    const results = await gradeFixture(`failing/${name}`);
    expect(statuses(results), JSON.stringify(results, null, 1)).toEqual(all('pass', expected));
    const failed = Object.values(results).find((result) => result.status === 'fail');
    expect(failed?.message).toMatch(message);
    expect(failed?.fix).toBeTruthy();
    for (const result of Object.values(results).filter((r) => r.status === 'skip'))
      expect(result.message).toMatch(/^skipped: (G-YAML|P2-[A-Z0-9-]+) failed \(/);
  });
});

describe('edge cases', () => {
  const apps = async () =>
    (await import('node:fs/promises')).readFile(join(import.meta.dirname, '../../suites/fixtures/passing/p2/confs/apps.yaml'), 'utf8');

  test('without a part p2, its checks skip naming G-LAYOUT; G-YAML passes with no YAML file', async () => {
    const results = await runAll(await contextWith({ 'README.md': '# nothing here' }));
    expect(statuses(results)).toEqual(all('skip', { 'G-YAML': 'pass' }));
    expect(results['P2-BACKENDS'].message).toBe('skipped: G-LAYOUT failed (part p2 is missing)');
    expect(results['G-YAML'].message).toBe('no YAML file under the parts (nothing to parse)');
  });

  test('without an Ingress, P2-INGRESS-HOSTS fails and the checks that need routes skip naming it', async () => {
    const withoutIngress = (await apps()).split('---\napiVersion: networking.k8s.io/v1')[0];
    const results = await runAll(await contextWith({ 'p2/confs/apps.yaml': withoutIngress, 'p2/Vagrantfile': '' }));
    expect(statuses(results)).toEqual(all('skip', { 'G-YAML': 'pass', 'P2-MANIFESTS': 'pass', 'P2-INGRESS-HOSTS': 'fail' }));
    expect(results['P2-INGRESS-HOSTS'].message).toBe('the part has no Ingress object, so nothing routes app1.com and app2.com');
    expect(results['P2-INGRESS-DEFAULT'].message).toBe('skipped: P2-INGRESS-HOSTS failed (the part has no Ingress)');
  });

  test('Traefik IngressRoutes instead of an Ingress: P2-INGRESS-HOSTS fails and names them', async () => {
    const withoutIngress = (await apps()).split('---\napiVersion: networking.k8s.io/v1')[0];
    const route =
      'apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata:\n  name: one\nspec:\n  routes:\n    - match: Host(`app1.com`)\n      kind: Rule\n      services:\n        - name: app1\n          port: 80\n';
    const results = await runAll(await contextWith({ 'p2/confs/apps.yaml': withoutIngress, 'p2/confs/route.yaml': route }));
    expect(results['P2-INGRESS-HOSTS'].status).toBe('fail');
    expect(results['P2-INGRESS-HOSTS'].message).toBe(
      'the part has no Ingress object, so nothing routes app1.com and app2.com; the IngressRoute object at p2/confs/route.yaml:1 is not an Ingress object: the subject asks for an Ingress',
    );
    expect(results['P2-INGRESS-HOSTS'].locations).toEqual([{ file: 'p2/confs/route.yaml', line: 1 }]);
  });

  test('a host-less rule counts as the default route; an unset host placeholder is named', async () => {
    const text =
      (await apps())
        .replace('  defaultBackend:\n    service:\n      name: app3\n      port:\n        number: 80\n', '')
        .replace('    - host: app2.com\n', '    - host: ${APP2_HOST}\n') +
      '    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: app3\n                port:\n                  number: 80\n';
    const results = await runAll(await contextWith({ 'p2/confs/apps.yaml': text }));
    expect(results['P2-INGRESS-DEFAULT'].status).toBe('pass');
    expect(results['P2-INGRESS-DEFAULT'].message).toMatch(/^other hosts → Service app3 \(the rule without host/);
    expect(results['P2-INGRESS-HOSTS'].message).toMatch(/p2\/confs\/apps\.yaml:121: host placeholder \$\{APP2_HOST\} is not set$/);
    const resolved = await runAll(await contextWith({ 'p2/confs/apps.yaml': text, 'p2/.env.example': 'APP2_HOST=app2.com\n' }));
    expect(statuses(resolved)).toEqual(all('pass'));
  });

  test('the legacy Ingress form routes, and only P2-MANIFESTS fails for its removed apiVersion', async () => {
    const legacy =
      (await apps()).split('---\napiVersion: networking.k8s.io/v1')[0] +
      '---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: apps\nspec:\n  rules:\n    - host: app1.com\n      http:\n        paths:\n          - backend:\n              serviceName: app1\n              servicePort: 80\n    - host: app2.com\n      http:\n        paths:\n          - path: /\n            backend:\n              serviceName: app2\n              servicePort: web\n    - http:\n        paths:\n          - path: /\n            backend:\n              serviceName: app3\n              servicePort: 80\n';
    const results = await runAll(await contextWith({ 'p2/confs/apps.yaml': legacy }));
    expect(statuses(results)).toEqual(all('pass', { 'P2-MANIFESTS': 'fail' }));
    expect(results['P2-MANIFESTS'].message).toMatch(
      /p2\/confs\/apps\.yaml:105: Ingress apps: apiVersion: extensions\/v1beta1 Ingress is no longer served/,
    );
  });

  describe('kustomizations', () => {
    const bin = mkdtempSync(join(tmpdir(), 'iot-fake-kubectl-'));
    const savedPath = process.env.PATH;
    afterAll(() => rmSync(bin, { recursive: true, force: true }));
    afterEach(() => {
      process.env.PATH = savedPath;
    });

    test('without kubectl, P2-MANIFESTS skips with the reason when the objects read as written are valid', async () => {
      process.env.PATH = '/nonexistent';
      const results = await runAll(
        await contextWith({ 'p2/confs/apps.yaml': await apps(), 'p2/confs/kustomization.yaml': 'resources: [apps.yaml]\n' }),
      );
      expect(results['P2-MANIFESTS']).toMatchObject({
        status: 'skip',
        message:
          'skipped: kubectl is not installed, so p2/confs/kustomization.yaml was not built (install kubectl to check the objects it builds); the 7 objects read as written are valid',
      });
      expect(results['P2-THREE-APPS'].status).toBe('pass');
    });

    test('a kustomization kubectl cannot build fails P2-MANIFESTS with its error', async () => {
      writeFileSync(
        join(bin, 'kubectl'),
        '#!/bin/sh\necho "error: accumulating resources: missing.yaml: no such file or directory" >&2\nexit 1\n',
      );
      chmodSync(join(bin, 'kubectl'), 0o755);
      process.env.PATH = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
      const results = await runAll(
        await contextWith({ 'p2/confs/apps.yaml': await apps(), 'p2/confs/kustomization.yaml': 'resources: [apps.yaml, missing.yaml]\n' }),
      );
      expect(results['P2-MANIFESTS'].status).toBe('fail');
      expect(results['P2-MANIFESTS'].message).toMatch(
        /p2\/confs\/kustomization\.yaml: kubectl kustomize p2\/confs failed: error: accumulating resources: missing\.yaml/,
      );
      // The resource files are still read as written, so the graph is judged on them.
      expect(statuses(results)).toEqual(all('pass', { 'P2-MANIFESTS': 'fail' }));
    });
  });
});
