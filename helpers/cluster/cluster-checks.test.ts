// Node, Deployment and Application checks against output captured from real clusters (fixtures/NOTES.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  applicationAtRevision,
  applicationSyncedHealthy,
  describeApplication,
  pickApplication,
  selfHealEnabled,
  singleSource,
  type ApplicationLike,
} from './argocd-checks.ts';
import { notReadyPods, type PodLike } from './evidence.ts';
import { allNodesReady, describeNode, nodesMatch, type NodeLike } from './node-checks.ts';
import {
  isAvailable,
  replicasReady,
  serviceForHost,
  workloadForHost,
  workloadsAvailable,
  type IngressLike,
  type ServiceLike,
  type WorkloadLike,
} from './workload-checks.ts';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const items = <T>(name: string): T[] => (JSON.parse(fixture(name)) as { items: T[] }).items;

describe('nodes (kubectl get nodes -o json, K3s v1.29.4)', () => {
  const ready = items<NodeLike>('k3s-nodes-two-ready.json');
  const workerDown = items<NodeLike>('k3s-nodes-worker-notready.json');
  const expected = [
    { name: 'kmaster', ip: '192.168.186.216', controlPlane: true },
    { name: 'kworker1', ip: '192.168.186.217' },
  ];

  test('two Ready nodes with their InternalIP and the server control-plane: succeeded', () => {
    const verdict = nodesMatch(ready, expected);
    expect(verdict.state).toBe('succeeded');
    expect(verdict.message).toBe('kworker1 Ready 192.168.186.217, kmaster Ready 192.168.186.216 control-plane');
  });

  test('machine names compare case-insensitively (Kubernetes lowercases wilS to wils)', () => {
    expect(
      nodesMatch(ready, [
        { name: 'KMaster', ip: '192.168.186.216', controlPlane: true },
        { name: 'kWorker1', ip: '192.168.186.217' },
      ]).state,
    ).toBe('succeeded');
  });

  test('a worker that stopped posting status: pending, naming it', () => {
    const verdict = nodesMatch(workerDown, expected);
    expect(verdict.state).toBe('pending');
    expect(verdict.message).toContain('kworker1 NotReady (NodeStatusUnknown) 192.168.186.217');
  });

  test('one node so far: pending "2 nodes … (have 1: …)"', () => {
    const verdict = nodesMatch(
      ready.filter((n) => n.metadata?.name === 'kmaster'),
      expected,
    );
    expect(verdict).toEqual({
      state: 'pending',
      message: '2 nodes Ready named kmaster and kworker1 (have 1: kmaster Ready 192.168.186.216 control-plane)',
    });
  });

  test('a wrong InternalIP fails at once, with the fix', () => {
    const verdict = nodesMatch(ready, [expected[0]!, { name: 'kworker1', ip: '192.168.56.111' }]);
    expect(verdict.state).toBe('failed');
    expect(verdict.message).toContain(
      'node kworker1 has InternalIP 192.168.186.217, expected 192.168.56.111; pin K3s to the private network with --node-ip 192.168.56.111',
    );
  });

  test('a node not named after a machine, or the server without control-plane, fails', () => {
    expect(nodesMatch(ready, [expected[0]!, { name: 'wilSW', ip: '192.168.186.217' }]).message).toContain(
      'no node named after machine wilSW',
    );
    expect(
      nodesMatch(ready, [
        { name: 'kworker1', ip: '192.168.186.217', controlPlane: true },
        { name: 'kmaster', ip: '192.168.186.216' },
      ]).message,
    ).toContain('node kworker1 lacks the control-plane role');
  });

  test('more nodes than machines fails', () => {
    expect(nodesMatch(ready, [expected[0]!]).state).toBe('failed');
  });

  test('allNodesReady for k3d clusters', () => {
    expect(allNodesReady(ready).state).toBe('succeeded');
    expect(allNodesReady(workerDown).state).toBe('pending');
    expect(allNodesReady([]).state).toBe('pending');
    expect(describeNode(ready[1]!)).toBe('kmaster Ready 192.168.186.216 control-plane');
  });
});

describe('deployments (kubectl get deployments -o json)', () => {
  const available = items<WorkloadLike>('deployments-available.json').map((d) => ({ kind: 'Deployment', ...d }));
  const scaling = items<WorkloadLike>('deployments-scaling.json').map((d) => ({ kind: 'Deployment', ...d }));

  test('an available Deployment', () => {
    expect(isAvailable(available[0]!)).toBe(true);
    expect(workloadsAvailable(available, 1)).toEqual({
      state: 'succeeded',
      message: '1 Deployments available: ambassador/ambassador-redis 1/1 ready',
    });
  });

  test('a Deployment scaling up is pending, with the controller message', () => {
    expect(isAvailable(scaling[0]!)).toBe(false);
    const verdict = workloadsAvailable(scaling, 1);
    expect(verdict.state).toBe('pending');
    expect(verdict.message).toContain(
      'ambassador/ambassador-redis 1/3 ready (MinimumReplicasUnavailable: Deployment does not have minimum availability.)',
    );
  });

  test('fewer Deployments than asked is pending', () => {
    expect(workloadsAvailable(available, 3).message).toBe('3 Deployments available (have 1: ambassador/ambassador-redis 1/1 ready)');
  });

  test('replicasReady: 3 wanted', () => {
    expect(replicasReady(scaling[0]!, 3)).toEqual({
      state: 'pending',
      message: '3 ready replicas of ambassador/ambassador-redis (have 1)',
    });
    expect(replicasReady({ ...scaling[0]!, status: { ...scaling[0]!.status, readyReplicas: 3 } }, 3).state).toBe('succeeded');
    expect(replicasReady(available[0]!, 3)).toEqual({
      state: 'failed',
      message: 'ambassador/ambassador-redis asks for 1 replica, expected 3',
    });
  });

  test('the Deployment behind a host: Ingress → Service → pod labels', () => {
    const ingresses: IngressLike[] = [
      {
        metadata: { name: 'apps', namespace: 'default' },
        spec: {
          rules: [
            { host: 'app1.com', http: { paths: [{ path: '/', backend: { service: { name: 'app-one' } } }] } },
            { host: 'app2.com', http: { paths: [{ path: '/', backend: { service: { name: 'app-two' } } }] } },
            { http: { paths: [{ path: '/', backend: { service: { name: 'app-three' } } }] } },
          ],
        },
      },
    ];
    const services: ServiceLike[] = ['one', 'two', 'three'].map((n) => ({
      metadata: { name: `app-${n}`, namespace: 'default' },
      spec: { selector: { app: n } },
    }));
    const workloads: WorkloadLike[] = ['one', 'two', 'three'].map((n) => ({
      kind: 'Deployment',
      metadata: { name: `deploy-${n}`, namespace: 'default' },
      spec: { template: { metadata: { labels: { app: n } } } },
    }));
    expect(workloadForHost('app2.com', ingresses, services, workloads)?.metadata?.name).toBe('deploy-two');
    expect(workloadForHost('other.example', ingresses, services, workloads)?.metadata?.name).toBe('deploy-three');
    expect(serviceForHost([{ metadata: { namespace: 'web' }, spec: { defaultBackend: { service: { name: 'fallback' } } } }], 'x')).toEqual({
      namespace: 'web',
      name: 'fallback',
    });
  });

  test('a defaultBackend beside rules routes nothing, as with Traefik', () => {
    const both = [
      {
        metadata: { namespace: 'web' },
        spec: {
          rules: [{ host: 'app1.com', http: { paths: [{ path: '/', backend: { service: { name: 'one' } } }] } }],
          defaultBackend: { service: { name: 'fallback' } },
        },
      },
    ];
    expect(serviceForHost(both, 'app1.com')).toEqual({ namespace: 'web', name: 'one' });
    expect(serviceForHost(both, 'other.example')).toBeUndefined();
  });
});

describe('Argo CD Applications (kubectl get application -o yaml)', () => {
  const synced = parse(fixture('argocd-application-synced-healthy.yaml')) as ApplicationLike;
  const syncing = parse(fixture('argocd-application-syncing.yaml')) as ApplicationLike;

  test('Synced and Healthy succeeds, naming the revision', () => {
    expect(applicationSyncedHealthy(synced)).toEqual({ state: 'succeeded', message: 'argocd/demo-trioapp-dev Synced/Healthy at 2b571ad' });
  });

  test('an auto-sync still running is pending, with what Argo CD waits for', () => {
    const verdict = applicationSyncedHealthy(syncing);
    expect(verdict.state).toBe('pending');
    expect(verdict.message).toContain('argocd/radarr OutOfSync/Missing at 6342d89');
    expect(verdict.message).toContain('out of sync: Deployment/radarr OutOfSync');
    expect(verdict.message).toContain('operation Running: waiting for healthy state of networking.k8s.io/Ingress/radarr-ingress');
  });

  test('the synced revision must equal the commit', () => {
    expect(applicationAtRevision(synced, '2b571ad9ceaab7ed1e6225ca674e367f2d07e41d').state).toBe('succeeded');
    const other = applicationAtRevision(synced, 'ffffffffffffffffffffffffffffffffffffffff');
    expect(other.state).toBe('pending');
    expect(other.message).toBe('Application synced to fffffff (argocd/demo-trioapp-dev Synced/Healthy at 2b571ad)');
    expect(applicationAtRevision(undefined, 'abc').state).toBe('failed');
  });

  test('picking the Application that deploys to dev, its source and selfHeal', () => {
    const dev: ApplicationLike = {
      ...synced,
      metadata: { name: 'playground', namespace: 'argocd' },
      spec: { ...synced.spec, destination: { namespace: 'dev' } },
    };
    expect(pickApplication([syncing, dev, synced])?.metadata?.name).toBe('playground');
    expect(pickApplication([syncing, synced])).toBeUndefined();
    expect(pickApplication([synced])?.metadata?.name).toBe('demo-trioapp-dev');
    expect(singleSource(synced)).toEqual({
      ok: true,
      source: { path: 'demo-applications/trioapp-dev', repoURL: 'https://github.com/somehere/repo01.git', targetRevision: 'dev' },
    });
    expect(singleSource({ ...synced, spec: { ...synced.spec, sources: [{ repoURL: 'a' }, { repoURL: 'b' }] } }).ok).toBe(false);
    expect(selfHealEnabled(syncing)).toBe(true);
    expect(describeApplication(syncing)).toMatch(/^argocd\/radarr OutOfSync\/Missing/);
  });
});

describe('pods that are not ready (evidence)', () => {
  test('Running-and-Ready and Succeeded pods are left out; the waiting reason is given', () => {
    const pods: PodLike[] = [
      {
        metadata: { name: 'local-path-provisioner-6c86858495-5qc96', namespace: 'kube-system' },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      },
      {
        metadata: { name: 'helm-install-traefik-crd-x6kkq', namespace: 'kube-system' },
        status: { phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'False' }] },
      },
      {
        metadata: { name: 'playground-5d9c7c8b8d-q2w4x', namespace: 'dev' },
        status: {
          phase: 'Pending',
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [{ name: 'playground', ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } }],
        },
      },
    ];
    expect(notReadyPods(pods)).toEqual([{ namespace: 'dev', name: 'playground-5d9c7c8b8d-q2w4x', reason: 'ImagePullBackOff' }]);
  });
});
