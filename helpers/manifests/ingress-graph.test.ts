import { describe, expect, test } from 'vitest';
import { objectsOfDocument } from './documents.ts';
import { defaultRoute, ignoredDefaultBackends, ingressRoutes, resolveBackend, routeForHost, servedRoutes } from './ingress-graph.ts';
import type { ManifestObject } from './model.ts';
import { parseYaml } from './yaml-files.ts';

const objectsOf = (text: string): ManifestObject[] =>
  parseYaml('p2/confs/apps.yaml', text).documents.flatMap((doc) => objectsOfDocument(doc, {}));

const app = (name: string, port = 'containerPort: 8080', labels = `app: ${name}`) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {${labels}}}
  template:
    metadata: {labels: {${labels}}}
    spec:
      containers:
        - name: ${name}
          image: nginx
          ports:
            - ${port}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports:
    - name: web
      port: 80
      targetPort: 8080
---
`;

describe('Ingress routes', () => {
  test('networking.k8s.io/v1 rules and defaultBackend, from every Ingress together', () => {
    const routes = ingressRoutes(
      objectsOf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: one}
spec:
  rules:
    - host: App1.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: app1, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: two}
spec:
  defaultBackend: {service: {name: app3, port: {name: web}}}
  rules:
    - host: app2.com
      http:
        paths:
          - path: /api
            pathType: Prefix
            backend: {service: {name: api, port: {number: 80}}}
          - path: /
            pathType: Prefix
            backend: {service: {name: app2, port: {number: 80}}}
`),
    );
    expect(
      routes.map((route) => [route.host ?? '*', route.path ?? '*', route.backend?.service, route.backend?.port, route.location.line]),
    ).toEqual([
      ['App1.com', '/', 'app1', 80, 11],
      ['*', '*', 'app3', 'web', 17],
      ['app2.com', '/api', 'api', 80, 24],
      ['app2.com', '/', 'app2', 80, 27],
    ]);
    expect(routeForHost(routes, 'app2.com')?.backend?.service).toBe('app2');
    // Host names match case-insensitively; a route for /api only does not serve app2.com/.
    expect(routeForHost(routes, 'app1.com')?.backend?.service).toBe('app1');
    // Ingress two has rules, so Traefik ignores its defaultBackend: nothing routes other hosts.
    expect(defaultRoute(routes)).toBeUndefined();
    expect(ignoredDefaultBackends(routes).map((route) => route.location.line)).toEqual([17]);
    expect(servedRoutes(routes).map((route) => route.backend?.service)).toEqual(['app1', 'api', 'app2']);
  });

  test('the defaultBackend of an Ingress without rules routes other hosts, beside the host rules of another Ingress', () => {
    const routes = ingressRoutes(
      objectsOf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: hosts}
spec:
  rules:
    - host: app1.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: app1, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: fallback}
spec:
  defaultBackend: {service: {name: app3, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: empty-rules}
spec:
  defaultBackend: {service: {name: other, port: {number: 80}}}
  rules: []
`),
    );
    expect(defaultRoute(routes)).toMatchObject({ source: 'default-backend', backend: { service: 'app3' }, location: { line: 17 } });
    expect(ignoredDefaultBackends(routes)).toEqual([]);
  });

  test('the legacy serviceName/servicePort form (extensions/v1beta1, networking.k8s.io/v1beta1)', () => {
    const routes = ingressRoutes(
      objectsOf(`apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: legacy}
spec:
  backend: {serviceName: app3, servicePort: 80}
  rules:
    - host: app1.com
      http:
        paths:
          - backend: {serviceName: app1, servicePort: "80"}
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: legacy2}
spec:
  rules:
    - host: app2.com
      http:
        paths:
          - path: /
            backend: {serviceName: app2, servicePort: http}
`),
    );
    expect(routeForHost(routes, 'app1.com')?.backend).toEqual({ service: 'app1', port: 80 });
    expect(routeForHost(routes, 'app2.com')?.backend).toEqual({ service: 'app2', port: 'http' });
    // The legacy spec.backend is the old name of spec.defaultBackend: beside rules, Traefik ignores it too.
    expect(defaultRoute(routes)).toBeUndefined();
    expect(ignoredDefaultBackends(routes)[0]?.backend).toEqual({ service: 'app3', port: 80 });
  });

  test('a rule without host (or host "") catches other hosts; a defaultBackend beside it is ignored', () => {
    const routes = ingressRoutes(
      objectsOf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: one}
spec:
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  rules:
    - host: ""
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: app3, port: {number: 80}}}
`),
    );
    expect(defaultRoute(routes)?.backend?.service).toBe('app3');
    expect(defaultRoute(routes.filter((route) => route.source === 'default-backend'))).toBeUndefined();
    expect(ignoredDefaultBackends(routes).map((route) => route.backend?.service)).toEqual(['fallback']);
    expect(defaultRoute([])).toBeUndefined();
  });
});

describe('from a route to the workload', () => {
  const ingress = (service: string, port: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend: {service: {name: ${service}, port: {${port}}}}
`;
  const resolve = (text: string) => {
    const objects = objectsOf(text);
    const [route] = ingressRoutes(objects);
    const resolution = resolveBackend(route, objects);
    return {
      workloads: resolution.workloads.map((w) => w.name),
      problems: resolution.problems.map((problem) => `${problem.location.line}: ${problem.message}`),
    };
  };

  test('Service by name, port by number or by name, selector to the Deployment, targetPort to its container port', () => {
    expect(resolve(app('app3') + ingress('app3', 'number: 80'))).toEqual({ workloads: ['app3'], problems: [] });
    expect(resolve(app('app3') + ingress('app3', 'name: web'))).toEqual({ workloads: ['app3'], problems: [] });
  });

  test('each broken link is named at its line', () => {
    expect(resolve(app('app3') + ingress('app4', 'number: 80')).problems).toEqual([
      '30: the default backend routes to Service app4, which the part does not define',
    ]);
    expect(resolve(app('app3') + ingress('app3', 'number: 8080')).problems).toEqual([
      '30: the default backend routes to port 8080 of Service app3, which has no such port (its ports: 80 (web))',
    ]);
    expect(resolve(app('app3', 'containerPort: 80') + ingress('app3', 'number: 80')).problems).toEqual([
      '24: Service app3 sends traffic to port 8080, but Deployment app3 declares container ports 80',
    ]);
    expect(resolve(app('app3', 'containerPort: 8080', 'app: other') + ingress('app3', 'number: 80')).problems).toEqual([
      "20: Service app3 selects app=app3, which no workload's pod template carries (Deployment app3 has pods labelled app=other)",
    ]);
  });

  test('a named targetPort must name a container port; a numeric one is free when the container declares none', () => {
    const named = app('app3').replace('targetPort: 8080', 'targetPort: http');
    expect(resolve(named + ingress('app3', 'number: 80')).problems).toEqual([
      '24: Service app3 sends traffic to the container port named http, but Deployment app3 has no container port with that name',
    ]);
    expect(
      resolve(
        app('app3', 'name: http\n              containerPort: 8080').replace('targetPort: 8080', 'targetPort: http') +
          ingress('app3', 'number: 80'),
      ).problems,
    ).toEqual([]);
    const noPorts = app('app3').replace('          ports:\n            - containerPort: 8080\n', '');
    expect(resolve(noPorts + ingress('app3', 'number: 80')).problems).toEqual([]);
  });

  test('the Service must be in the Ingress namespace; a bare Pod is a workload too', () => {
    const elsewhere = app('app3').replace(
      'metadata: {name: app3}\nspec:\n  selector',
      'metadata: {name: app3, namespace: apps}\nspec:\n  selector',
    );
    expect(resolve(elsewhere + ingress('app3', 'number: 80')).problems).toEqual([
      '30: the default backend routes to Service app3 in namespace default, but that Service is in namespace apps',
    ]);
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: solo, labels: {app: app3}}\nspec:\n  containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]\n---\n';
    const service = app('app3').split('---\n')[1];
    expect(resolve(pod + service + '---\n' + ingress('app3', 'number: 80'))).toEqual({ workloads: ['solo'], problems: [] });
  });
});
