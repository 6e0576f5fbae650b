import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { kubeAccessFromKubeconfig, rewriteKubeconfigServer } from './kube-access.ts';

// The shape K3s writes to /etc/rancher/k3s/k3s.yaml (keys shortened).
const K3S_KUBECONFIG = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTi
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: LS0tLS1CRUdJTi
    client-key-data: LS0tLS1CRUdJTi
`;

describe('kubeconfig fetched from the server', () => {
  test('the server address is rewritten to the private IP, TLS checked against "kubernetes"', () => {
    const doc = parse(rewriteKubeconfigServer(K3S_KUBECONFIG, '192.168.56.110'));
    expect(doc.clusters[0].cluster.server).toBe('https://192.168.56.110:6443');
    expect(doc.clusters[0].cluster['tls-server-name']).toBe('kubernetes');
    expect(doc.users[0].user['client-key-data']).toBe('LS0tLS1CRUdJTi');
  });

  test('an address already routable keeps its certificate name', () => {
    const doc = parse(rewriteKubeconfigServer(K3S_KUBECONFIG.replace('127.0.0.1', '192.168.56.110'), '192.168.56.110'));
    expect(doc.clusters[0].cluster['tls-server-name']).toBeUndefined();
  });

  test('no clusters: a clear message', () => {
    expect(() => rewriteKubeconfigServer('kind: Config\n', '192.168.56.110')).toThrow(
      'the kubeconfig read from the server has no clusters: is K3s installed there?',
    );
  });
});

describe('KubeAccess against a local fake API server (plain HTTP)', () => {
  let server: Server;
  const seen: Array<{ method: string; url: string; type?: string; body: string }> = [];
  let access: ReturnType<typeof kubeAccessFromKubeconfig>;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method ?? '', url: request.url ?? '', type: request.headers['content-type'], body });
        if (request.url?.includes('/appprojects/missing')) {
          response.writeHead(404, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        if (request.url?.startsWith('/api/v1/nodes'))
          response.end(
            JSON.stringify({
              kind: 'NodeList',
              apiVersion: 'v1',
              items: [{ metadata: { name: 'wils' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }],
            }),
          );
        else if (request.url?.startsWith('/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/playground'))
          response.end(JSON.stringify({ metadata: { name: 'playground' } }));
        else if (request.url?.startsWith('/api/v1/namespaces/argocd/secrets/argocd-initial-admin-secret'))
          response.end(
            JSON.stringify({
              kind: 'Secret',
              apiVersion: 'v1',
              metadata: { name: 'x' },
              data: { password: Buffer.from('s3cret').toString('base64') },
            }),
          );
        else response.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const config = parse(K3S_KUBECONFIG);
    config.clusters[0].cluster = { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true };
    config.users[0].user = { token: 'test' };
    access = kubeAccessFromKubeconfig(stringify(config));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('lists nodes, reads a secret, patches an Application with a merge patch', async () => {
    expect((await access.nodes()).map((n) => n.metadata?.name)).toEqual(['wils']);
    expect(await access.secretValue('argocd', 'argocd-initial-admin-secret', 'password')).toBe('s3cret');
    await access.patchApplication('argocd', 'playground', { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } });
    const patch = seen.find((r) => r.method === 'PATCH');
    expect(patch?.url).toBe('/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/playground');
    expect(patch?.type).toBe('application/merge-patch+json');
    expect(JSON.parse(patch!.body)).toEqual({ metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } });
  });

  test('an exact restore is a JSON patch (RFC 6902), sent as application/json-patch+json; a missing AppProject is undefined', async () => {
    const ops = [{ op: 'replace' as const, path: '/spec/source', value: { repoURL: 'https://github.com/wil42/x.git', path: 'app' } }];
    await access.jsonPatchApplication('argocd', 'playground', ops);
    const patch = seen.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(patch.url).toBe('/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/playground');
    expect(patch.type).toBe('application/json-patch+json');
    expect(JSON.parse(patch.body)).toEqual(ops);
    await access.jsonPatchDeployment('dev', 'playground', [{ op: 'replace', path: '/spec/replicas', value: 1 }]);
    expect(seen.filter((r) => r.method === 'PATCH').at(-1)).toMatchObject({
      url: '/apis/apps/v1/namespaces/dev/deployments/playground',
      type: 'application/json-patch+json',
    });
    expect(await access.appProject('argocd', 'missing')).toBeUndefined();
  });
});
