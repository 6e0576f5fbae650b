// The reference Part 2 Ingress, routed the way Traefik (the controller K3s bundles) routes it.
//
// Traefik's Kubernetes Ingress provider (pkg/provider/kubernetes/ingress/kubernetes.go, read at
// v3.7.8, the Traefik of K3s v1.36.4+k3s1; unchanged through v3.7.9): spec.defaultBackend becomes
// a router only when the Ingress has no rules; every rule path becomes a router
// `Host("<host>") && PathPrefix("<path>")`, or `PathPrefix("<path>")` for a rule with no host;
// a router without an explicit priority gets the length of its rule (pkg/muxer/http/mux.go,
// GetRulePriority), and the highest priority that matches wins. See docs/upstream-behaviour.md.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../config/env.ts';

const MANIFESTS = join(PROJECT_ROOT, 'manifests/p2');
const PRIORITY_ANNOTATION = 'traefik.ingress.kubernetes.io/router.priority';

interface Backend {
  service?: { name?: string };
}
interface Ingress {
  file: string;
  name: string;
  annotations: Record<string, string>;
  defaultBackend?: Backend;
  rules: Array<{ host?: string; http?: { paths?: Array<{ path?: string; pathType?: string; backend?: Backend }> } }>;
}
interface Router {
  rule: string;
  host?: string;
  path: string;
  exact: boolean;
  priority: number;
  service: string;
  from: string;
}

async function committedIngresses(): Promise<Ingress[]> {
  const ingresses: Ingress[] = [];
  for (const file of (await readdir(MANIFESTS)).filter((name) => /\.ya?ml$/.test(name)).sort()) {
    for (const doc of parseAllDocuments(await readFile(join(MANIFESTS, file), 'utf8'))) {
      const object = doc.toJS() as { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> }; spec?: any };
      if (object?.kind !== 'Ingress') continue;
      ingresses.push({
        file,
        name: object.metadata?.name ?? '?',
        annotations: object.metadata?.annotations ?? {},
        defaultBackend: object.spec?.defaultBackend,
        rules: object.spec?.rules ?? [],
      });
    }
  }
  return ingresses;
}

/** The HTTP routers Traefik's Ingress provider makes of these Ingresses. */
function traefikRouters(ingresses: Ingress[]): Router[] {
  const routers: Router[] = [];
  for (const ingress of ingresses) {
    const from = `${ingress.file} (Ingress ${ingress.name})`;
    if (ingress.rules.length === 0 && ingress.defaultBackend?.service?.name) {
      routers.push({
        rule: 'PathPrefix("/")',
        path: '/',
        exact: false,
        priority: -(2 ** 31),
        service: ingress.defaultBackend.service.name,
        from,
      });
    }
    const explicit = Number(ingress.annotations[PRIORITY_ANNOTATION] ?? 0);
    for (const rule of ingress.rules) {
      for (const path of rule.http?.paths ?? []) {
        if (!path.backend?.service?.name) continue;
        const exact = path.pathType === 'Exact';
        const parts = [rule.host ? `Host("${rule.host}")` : '', path.path ? `${exact ? 'Path' : 'PathPrefix'}("${path.path}")` : ''];
        const text = parts.filter(Boolean).join(' && ');
        routers.push({
          rule: text,
          host: rule.host || undefined,
          path: path.path ?? '/',
          exact,
          priority: explicit || text.length,
          service: path.backend.service.name,
          from,
        });
      }
    }
  }
  return routers.sort((a, b) => b.priority - a.priority);
}

/** The Service Traefik hands a GET of `path` with this Host header to, if any. */
function routedService(routers: Router[], host: string, path = '/'): string | undefined {
  const matches = (router: Router) =>
    (!router.host || router.host.toLowerCase() === host.toLowerCase()) &&
    (router.exact ? path === router.path : path.startsWith(router.path));
  return routers.find(matches)?.service;
}

describe('Part 2 Ingress (manifests/p2), as Traefik routes it', () => {
  test('no Ingress with rules relies on spec.defaultBackend, which Traefik ignores there', async () => {
    const ignored = (await committedIngresses()).filter((ingress) => ingress.rules.length > 0 && ingress.defaultBackend);
    expect(
      ignored.map((ingress) => `${ingress.file}: Ingress ${ingress.name} has rules and spec.defaultBackend`),
      'Traefik builds a default router only for an Ingress without rules: route app3 with a rule that has no host',
    ).toEqual([]);
  });

  test('a rule with no host, path / (Prefix), routes every other host to app3', async () => {
    const ingresses = await committedIngresses();
    const hostless = ingresses.flatMap((ingress) =>
      ingress.rules
        .filter((rule) => !rule.host)
        .flatMap((rule) => rule.http?.paths ?? [])
        .filter((path) => path.path === '/' && path.pathType === 'Prefix')
        .map((path) => path.backend?.service?.name),
    );
    expect(hostless).toEqual(['app3']);
  });

  test('no router priority annotation overrides Traefik rule-length ordering', async () => {
    const overridden = (await committedIngresses()).filter((ingress) => PRIORITY_ANNOTATION in ingress.annotations);
    expect(overridden.map((ingress) => ingress.name)).toEqual([]);
  });

  test.each([
    ['app1.com', 'app1'],
    ['App1.com', 'app1'],
    ['app2.com', 'app2'],
    ['192.168.56.110', 'app3'],
    ['other.example', 'app3'],
    ['app1.com.example', 'app3'],
  ])('Host: %s is answered by %s, on / and on a deeper path', async (host, service) => {
    const routers = traefikRouters(await committedIngresses());
    expect(routedService(routers, host)).toBe(service);
    expect(routedService(routers, host, '/some/page')).toBe(service);
  });

  test('the host rules outrank the host-less rule (longer rule, higher priority)', async () => {
    const routers = traefikRouters(await committedIngresses());
    const hostless = routers.find((router) => !router.host);
    expect(hostless, 'a router without host').toBeDefined();
    for (const router of routers.filter((candidate) => candidate.host)) {
      expect(router.priority, `${router.rule} vs ${hostless?.rule}`).toBeGreaterThan(hostless?.priority ?? 0);
    }
  });
});
