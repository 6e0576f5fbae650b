// P3L-V1 and the version checks read the app on port 8888. What answers there is not trusted unless it is a
// 200 naming a version: otherwise the app is asked through a kubectl port-forward to its Service (a stub kubectl
// here, which serves the app itself and prints kubectl's "Forwarding from" line), and appRoute says why.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { openTarget, type Target } from '../target/repository.ts';
import { BootLog } from './boot.ts';
import { RecordingRunner } from './command-runner.ts';
import { FakeKube } from './fake-kube.ts';
import { K3dArgoCd } from './parts/k3d-argocd.ts';
import { CleanupStack } from './teardown.ts';

let dir: string;
let target: Target;
let env: Record<string, string | undefined>;
let server: Server | undefined;
const always = new CleanupStack();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iot-app-route-'));
  target = await openTarget(resolve(PROJECT_ROOT, 'suites/fixtures/passing'));
  // `kubectl … port-forward … svc/playground :8888`: serves wil42/playground's v1 answer on a free local port.
  await writeFile(
    join(dir, 'kubectl'),
    `#!${process.execPath}
const http = require('node:http');
const s = http.createServer((q, r) => r.end('{"status":"ok", "message": "v1"}'));
s.listen(0, '127.0.0.1', () => console.log('Forwarding from 127.0.0.1:' + s.address().port + ' -> 8888'));
process.on('SIGTERM', () => process.exit(0));
`,
  );
  await chmod(join(dir, 'kubectl'), 0o755);
  env = { ...process.env, PATH: `${dir}:${dirname(process.execPath)}:${process.env.PATH}` };
});
afterEach(async () => {
  await always.runAll();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Something on the "app port" answering this (a stale process, another server), or nothing. */
async function onAppPort(status?: number, body = ''): Promise<number> {
  const s = createServer((_, response) => {
    response.writeHead(status ?? 200, { 'content-type': 'text/plain' });
    response.end(body);
  });
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  const port = (s.address() as AddressInfo).port;
  if (status === undefined) await new Promise<void>((done) => s.close(() => done()));
  else server = s;
  return port;
}

function driver(appPort: number): K3dArgoCd {
  const kube = new FakeKube().add('Service', { metadata: { name: 'playground', namespace: 'dev' }, spec: { ports: [{ port: 8888 }] } });
  return new K3dArgoCd({
    part: 'p3',
    target,
    runner: new RecordingRunner(),
    log: new BootLog({ part: 'p3', write: () => {} }),
    env,
    appPort,
    kube,
    always,
  });
}

describe('the app on port 8888, or through a port-forward when what answers there is not it', () => {
  test('a 404 on the port (not the app): the port-forward answers v1, and the route says why', async () => {
    const port = await onAppPort(404, '404 page not found\n');
    const app = driver(port);
    const answer = await app.appAnswer();
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"status":"ok", "message": "v1"}');
    expect(app.appRoute).toBe(`kubectl port-forward svc/playground (localhost:${port} answered HTTP 404: 404 page not found)`);
  });

  test('a 200 that names no version (another web server): the port-forward answers', async () => {
    const port = await onAppPort(200, '<h1>Welcome to nginx!</h1>');
    const app = driver(port);
    expect((await app.appAnswer()).body).toContain('"v1"');
    expect(app.appRoute).toBe(
      `kubectl port-forward svc/playground (localhost:${port} answered HTTP 200 naming no version: <h1>Welcome to nginx!</h1>)`,
    );
  });

  test('nothing on the port: the port-forward, as before', async () => {
    const port = await onAppPort();
    const app = driver(port);
    expect((await app.appAnswer()).body).toContain('"v1"');
    expect(app.appRoute).toBe(`kubectl port-forward svc/playground (nothing answers on localhost:${port})`);
  });

  test('the app itself on the port (k3d publishes it): localhost, no port-forward', async () => {
    const port = await onAppPort(200, '{"status":"ok", "message": "v2"}');
    const app = driver(port);
    expect((await app.appAnswer()).body).toContain('"v2"');
    expect(app.appRoute).toBe(`localhost:${port}`);
    expect(always.size).toBe(0);
  });
});
