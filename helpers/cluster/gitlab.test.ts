import { describe, expect, test } from 'vitest';
import { gitlabWebService, isRootPasswordSecret } from './parts/gitlab.ts';
import { K3dArgoCd } from './parts/k3d-argocd.ts';

describe('finding GitLab and the app in the cluster', () => {
  test("the GitLab chart's webservice is preferred over its other Services", () => {
    const services = [
      { metadata: { name: 'gitlab-redis-master' }, spec: { ports: [{ port: 6379 }] } },
      { metadata: { name: 'gitlab-gitlab-shell' }, spec: { ports: [{ port: 22 }] } },
      {
        metadata: { name: 'gitlab-webservice-default' },
        spec: {
          ports: [
            { port: 8080, name: 'http-webservice' },
            { port: 8181, name: 'http-workhorse' },
          ],
        },
      },
    ];
    expect(gitlabWebService(services)).toEqual({ name: 'gitlab-webservice-default', port: 8181 });
    expect(gitlabWebService([{ metadata: { name: 'gitlab' }, spec: { ports: [{ port: 80 }, { port: 22 }] } }])).toEqual({
      name: 'gitlab',
      port: 80,
    });
    expect(gitlabWebService([{ metadata: { name: 'redis' }, spec: { ports: [{ port: 6379 }] } }])).toBeUndefined();
  });

  test('root password secrets', () => {
    expect(isRootPasswordSecret('gitlab-gitlab-initial-root-password')).toBe(true);
    expect(isRootPasswordSecret('gitlab-postgresql-password')).toBe(false);
  });

  test('the Service serving port 8888', () => {
    const services = [
      { metadata: { name: 'other' }, spec: { ports: [{ port: 80 }] } },
      { metadata: { name: 'playground' }, spec: { ports: [{ port: 8888 }] } },
    ];
    expect(K3dArgoCd.serviceFor(services, 8888)?.metadata?.name).toBe('playground');
    expect(K3dArgoCd.serviceFor([services[0]!], 8888)?.metadata?.name).toBe('other');
    expect(K3dArgoCd.serviceFor([], 8888)).toBeUndefined();
  });
});
