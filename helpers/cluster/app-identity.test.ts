// Part 2's route checks against apps that echo the request. A real local server answers exactly as
// traefik/whoami v1.11.0 does (whoamiHandler in app.go: "Name:", "Hostname:", one "IP:" per address,
// "RemoteAddr:", then the request as Go's Request.Write prints it: request line, Host, User-Agent, the other
// headers sorted, CRLF line ends), behind a proxy that adds Traefik's X-Forwarded-* headers.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { identifyApp, ownerWorkload, sameAppAs, stripEchoedRequest, type AppIdentity, type OwnedLike } from './app-identity.ts';
import { normalizeBody, probe, randomHost } from './http-probe.ts';

const CLUSTER = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/whoami-cluster.json'), 'utf8')) as {
  pods: { items: OwnedLike[] };
  replicaSets: { items: OwnedLike[] };
};
const pods = CLUSTER.pods.items;
const replicaSets = CLUSTER.replicaSets.items;
const APP1 = 'app1-6c9f8b7d4b-x2x7p';
const APP2 = ['app2-7d4b9c6f5d-4xkzq', 'app2-7d4b9c6f5d-9mbtw', 'app2-7d4b9c6f5d-tq2ln'];
const APP3 = 'app3-5f8d7c6b9a-fghjk';

/** whoami v1.11.0's answer for this request, as the pod `pod` of app `name` would write it. */
function whoami(name: string, pod: string, podIp: string, request: IncomingMessage, remotePort: number): string {
  const host = request.headers.host ?? '';
  const proxied: Record<string, string> = {
    'X-Forwarded-For': '10.42.0.1',
    'X-Forwarded-Host': host,
    'X-Forwarded-Port': '80',
    'X-Forwarded-Proto': 'http',
    'X-Forwarded-Server': 'traefik-5d45fc8cc9-mqz7w',
    'X-Real-Ip': '10.42.0.1',
  };
  const canonical = (key: string) => key.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => `${dash}${c.toUpperCase()}`);
  const headers: Record<string, string> = { ...proxied };
  for (const [key, value] of Object.entries(request.headers))
    if (key !== 'host' && key !== 'user-agent' && key !== 'connection' && typeof value === 'string') headers[canonical(key)] = value;
  const lines = [
    `Name: ${name}`,
    `Hostname: ${pod}`,
    'IP: 127.0.0.1',
    'IP: ::1',
    `IP: ${podIp}`,
    'IP: fe80::5c2a:1cff:fe4e:a1b2',
    `RemoteAddr: 10.42.0.8:${remotePort}`,
  ].join('\n');
  const written = [
    `${request.method} ${request.url} HTTP/1.1`,
    `Host: ${host}`,
    `User-Agent: ${request.headers['user-agent'] ?? 'Go-http-client/1.1'}`,
    ...Object.keys(headers)
      .sort()
      .map((key) => `${key}: ${headers[key]}`),
    '',
    '',
  ].join('\r\n');
  return `${lines}\n${written}`;
}

let server: Server;
let base: string;
let routing: 'misrouted' | 'correct' = 'misrouted';
let turn = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    const host = (request.headers.host ?? '').split(':')[0];
    const port = 40000 + turn++;
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    // Misrouted: every host reaches app1 (an Ingress whose rules all name app1's Service).
    if (routing === 'misrouted' || host === 'app1.com') response.end(whoami('app1', APP1, '10.42.0.9', request, port));
    else if (host === 'app2.com') response.end(whoami('app2', APP2[turn % 3]!, '10.42.0.10', request, port));
    else response.end(whoami('app3', APP3, '10.42.0.13', request, port));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function answer(host: string | undefined): Promise<AppIdentity> {
  const { body } = await probe(base, { host });
  return identifyApp(body, { pods, replicaSets, sentHost: host });
}

/** The three route checks' judgements, in the suite's order (P2L-ROUTE-APP1, -APP2, -DEFAULT). */
async function routeChecks(): Promise<{ app2?: string; defaults: Array<string | undefined> }> {
  const app1 = await answer('app1.com');
  const app2 = await answer('app2.com');
  const first = { route: 'Host: app1.com', app: app1 };
  const defaults = [];
  for (const host of [undefined, randomHost()]) {
    const label = host ? `Host: ${host}` : 'a request with no Host override';
    defaults.push(sameAppAs(label, await answer(host), [first, { route: 'Host: app2.com', app: app2 }]));
  }
  return { app2: sameAppAs('Host: app2.com', app2, [first]), defaults };
}

describe('which app answered: the pod the body names, mapped through the API', () => {
  test('every host reaching app1: P2L-ROUTE-APP2 and P2L-ROUTE-DEFAULT fail, naming the Deployment and its pod', async () => {
    routing = 'misrouted';
    const { app2, defaults } = await routeChecks();
    expect(app2).toBe(
      `Host: app2.com is answered by Deployment default/app1 (pod ${APP1}), the same app as Host: app1.com (Deployment default/app1 (pod ${APP1}))`,
    );
    expect(defaults[0]).toMatch(
      /^a request with no Host override is answered by Deployment default\/app1 \(pod app1-6c9f8b7d4b-x2x7p\), the same app as Host: app1\.com/,
    );
    expect(defaults[1]).toMatch(/^Host: iot-[0-9a-f]{8}\.example\.net is answered by Deployment default\/app1 /);
  });

  test('the comparison this replaces saw three different apps in those answers (the echoed Host and RemoteAddr port differ)', async () => {
    routing = 'misrouted';
    const bodies = await Promise.all(['app1.com', 'app2.com', randomHost()].map(async (host) => (await probe(base, { host })).body));
    const names = pods.map((p) => p.metadata!.name!);
    expect(new Set(bodies.map((body) => normalizeBody(body, names))).size).toBe(3);
  });

  test('correct routing: three apps, every replica of app2 counted as app2', async () => {
    routing = 'correct';
    const { app2, defaults } = await routeChecks();
    expect(app2).toBeUndefined();
    expect(defaults).toEqual([undefined, undefined]);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await answer('app2.com')).key);
    expect([...seen]).toEqual(['Deployment default/app2']);
  });

  test('a pod is mapped through its ReplicaSet to its Deployment; Traefik named in X-Forwarded-Server is not the app', () => {
    expect(ownerWorkload(pods.find((p) => p.metadata?.name === APP2[1])!, replicaSets)).toBe('Deployment default/app2');
    expect(
      ownerWorkload({ metadata: { name: 'db-0', namespace: 'data', ownerReferences: [{ kind: 'StatefulSet', name: 'db' }] } }, []),
    ).toBe('StatefulSet data/db');
  });
});

describe('apps that echo the request without naming their pod: the echo is removed before comparing', () => {
  const page = (app: string, host: string, port: number) =>
    `<h1>${app}</h1>\nRemoteAddr: 10.42.0.8:${port}\nGET / HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: undici\r\nX-Forwarded-Host: ${host}\r\n\r\n`;

  test('the same app answering three hosts is one app; two apps stay two', () => {
    const a = identifyApp(page('hello from app1', 'app1.com', 41000), { pods, replicaSets, sentHost: 'app1.com' });
    const b = identifyApp(page('hello from app1', 'app2.com', 41001), { pods, replicaSets, sentHost: 'app2.com' });
    const c = identifyApp(page('hello from app2', 'app2.com', 41002), { pods, replicaSets, sentHost: 'app2.com' });
    expect(a.via).toBe('body');
    expect(a.key).toBe(b.key);
    expect(c.key).not.toBe(a.key);
    expect(sameAppAs('Host: app2.com', b, [{ route: 'Host: app1.com', app: a }])).toBe(
      'Host: app2.com is answered by the page "<h1>hello from app1</h1>", the same app as Host: app1.com (the page "<h1>hello from app1</h1>")',
    );
  });

  test('stripEchoedRequest keeps the page and drops the request, its headers and the host sent', () => {
    expect(stripEchoedRequest('Name: app1\nHostname: x\nGET / HTTP/1.1\r\nHost: a.com\r\nAccept: */*\r\n\r\n', ['a.com']).trim()).toBe(
      'Name: app1\nHostname: x',
    );
    expect(stripEchoedRequest('{"host":"a.com","msg":"hi"}', ['a.com'])).toBe('{"host":"<host>","msg":"hi"}');
  });
});
