// The HTTP routing checks against a real local server that routes by Host header, as Part 2's Ingress does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answeredVersion, excerpt, normalizeBody, podsNamedIn, probe, randomHost } from './http-probe.ts';

let server: Server;
let base: string;
let turn = 0;
const APP2_PODS = ['app2-7d4b9c6f5d-4xkzq', 'app2-7d4b9c6f5d-9mbtw', 'app2-7d4b9c6f5d-tq2ln'];

beforeAll(async () => {
  // Like hello-kubernetes behind Traefik: the page names the app and the pod that answered.
  server = createServer((request, response) => {
    const host = (request.headers.host ?? '').split(':')[0];
    const page = (app: string, pod: string) => `<h1>Hello from ${app}</h1><p>pod: ${pod}</p><p>node: 10.42.0.${turn % 9}</p>`;
    response.writeHead(200, { 'content-type': 'text/html' });
    if (host === 'app1.com') response.end(page('app1', 'app1-5f7c8d9b4c-abcde'));
    else if (host === 'app2.com') response.end(page('app2', APP2_PODS[turn++ % 3]!));
    else response.end(page('app3', 'app3-6b8d7c5f4d-fghij'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('Host-header routing probes', () => {
  test('the Host header reaches the server and selects the app', async () => {
    const one = await probe(base, { host: 'app1.com' });
    const two = await probe(base, { host: 'app2.com' });
    const other = await probe(base, { host: randomHost() });
    const none = await probe(base);
    expect([one.status, two.status, other.status, none.status]).toEqual([200, 200, 200, 200]);
    expect(one.body).toContain('Hello from app1');
    expect(two.body).toContain('Hello from app2');
    expect(other.body).toContain('Hello from app3');
    expect(none.body).toContain('Hello from app3');
  });

  test('normalized bodies: same app compares equal across pods, different apps differ', async () => {
    const a = await probe(base, { host: 'app2.com' });
    const b = await probe(base, { host: 'app2.com' });
    expect(a.body).not.toBe(b.body);
    expect(normalizeBody(a.body)).toBe(normalizeBody(b.body));
    const one = await probe(base, { host: 'app1.com' });
    expect(normalizeBody(one.body)).not.toBe(normalizeBody(a.body));
    const def = await probe(base, { host: randomHost() });
    expect(normalizeBody(def.body)).not.toBe(normalizeBody(one.body));
  });

  test('the spread of app2 across pods is seen from the bodies', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) for (const pod of podsNamedIn((await probe(base, { host: 'app2.com' })).body, APP2_PODS)) seen.add(pod);
    expect(seen.size).toBe(3);
  });

  test('a closed port rejects (the poller counts it as pending)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(probe(`http://127.0.0.1:${port}/`, { timeoutMs: 2_000 })).rejects.toThrow();
  });
});

describe('answers', () => {
  test('the version the app answers', () => {
    expect(answeredVersion('{"status":"ok", "message": "v1"}')).toBe('v1');
    expect(answeredVersion('{"status":"ok","message":"v2"}')).toBe('v2');
    expect(answeredVersion('<h1>myapp v3</h1>')).toBe('v3');
    expect(answeredVersion('nginx 1.27.0 at v1.2.3')).toBeUndefined();
    expect(answeredVersion('hello')).toBeUndefined();
  });

  test('excerpt flattens and cuts', () => {
    expect(excerpt('a\n  b')).toBe('a b');
    expect(excerpt('x'.repeat(200), 10)).toBe(`${'x'.repeat(10)}…`);
    expect(excerpt('')).toBe('(empty body)');
  });
});
