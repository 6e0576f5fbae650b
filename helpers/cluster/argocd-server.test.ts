// P3L-ARGOCD asks the Argo CD API server for its version through the Kubernetes API's service proxy, with
// kubectl (recorded). With `server.insecure: "true"` argocd-server speaks plain HTTP only, so the https route
// fails the way the API server's proxy reports a transport error (apimachinery's proxy transport:
// "error trying to reach service: <error>", HTTP 503); the http route must then be asked.
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { openTarget } from '../target/repository.ts';
import { argocdServerAnswers } from './argocd-checks.ts';
import { BootLog } from './boot.ts';
import { RecordingRunner } from './command-runner.ts';
import { K3dArgoCd } from './parts/k3d-argocd.ts';

const HTTPS = /get --raw \/api\/v1\/namespaces\/argocd\/services\/https:argocd-server:443\/proxy\/api\/version$/;
const HTTP = /get --raw \/api\/v1\/namespaces\/argocd\/services\/http:argocd-server:80\/proxy\/api\/version$/;
// GET /api/version of argocd-server (the fields of its VersionMessage).
const VERSION =
  '{"Version":"v3.5.1+1a2b3c4","BuildDate":"2026-10-02T12:00:00Z","GitCommit":"1a2b3c4d5e6f","GitTreeState":"clean","GoVersion":"go1.25.1","Compiler":"gc","Platform":"linux/amd64"}';
// What kubectl prints for the proxy's 503 when the TLS handshake to the plain-HTTP server fails.
const UNREACHABLE = { exitCode: 1, stderr: 'Error from server (ServiceUnavailable): error trying to reach service: EOF\n' };

async function driver(runner: RecordingRunner): Promise<K3dArgoCd> {
  const target = await openTarget(resolve(PROJECT_ROOT, 'suites/fixtures/passing'));
  return new K3dArgoCd({ part: 'p3', target, runner, log: new BootLog({ part: 'p3', write: () => {} }) });
}

describe('the Argo CD API server answers', () => {
  test('server.insecure: the https route fails, the http route answers', async () => {
    const runner = new RecordingRunner().on(HTTPS, UNREACHABLE).on(HTTP, { stdout: VERSION });
    const argocd = await driver(runner);
    expect(await argocdServerAnswers((args) => argocd.kubectl(args))).toEqual({
      state: 'succeeded',
      message: 'API server v3.5.1+1a2b3c4 (through http:argocd-server:80, plain HTTP (server.insecure))',
    });
  });

  test('the default (TLS): the https route answers and the http route is not asked', async () => {
    const runner = new RecordingRunner().on(HTTPS, { stdout: VERSION }).on(HTTP, UNREACHABLE);
    const argocd = await driver(runner);
    expect((await argocdServerAnswers((args) => argocd.kubectl(args))).message).toBe(
      'API server v3.5.1+1a2b3c4 (through https:argocd-server:443)',
    );
    expect(runner.lines.filter((line) => HTTP.test(line))).toEqual([]);
  });

  test('neither answers (still starting): pending, with what each route said', async () => {
    const runner = new RecordingRunner().on(HTTPS, UNREACHABLE).on(HTTP, {
      exitCode: 1,
      stderr: 'Error from server (ServiceUnavailable): no endpoints available for service "http:argocd-server:80"\n',
    });
    const argocd = await driver(runner);
    expect(await argocdServerAnswers((args) => argocd.kubectl(args))).toEqual({
      state: 'pending',
      message:
        'the Argo CD API server to report its version (https:argocd-server:443: Error from server (ServiceUnavailable): error trying to reach service: EOF; http:argocd-server:80, plain HTTP (server.insecure): Error from server (ServiceUnavailable): no endpoints available for service "http:argocd-server:80")',
    });
  });
});
