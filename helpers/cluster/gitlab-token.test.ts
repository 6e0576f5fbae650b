// BL-GITLAB signs root in without the OAuth password grant: a personal access token made with gitlab-rails
// runner (recorded kubectl), used as PRIVATE-TOKEN against a local server answering as GitLab's REST API does,
// and revoked at teardown. The Ruby is compiled by CRuby (WebAssembly) to be sure it parses.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DefaultRubyVM } from '@ruby/wasm-wasi/dist/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RecordingRunner, type RecordedCall } from './command-runner.ts';
import { FakeKube } from './fake-kube.ts';
import { createTokenRuby, GitLab, railsPod, revokeTokenRuby } from './parts/gitlab.ts';
import { CleanupStack } from './teardown.ts';

const PASSWORD = 'Zq8vN2mX5kR9tL4wB7yC1dF6';
const TOOLBOX = {
  metadata: { name: 'gitlab-toolbox-6f9c7d8b5-2xk4p', namespace: 'gitlab', labels: { app: 'toolbox', release: 'gitlab' } },
  spec: { containers: [{ name: 'toolbox', image: 'registry.gitlab.com/gitlab-org/build/cng/gitlab-toolbox-ce:v18.5.1' }] },
  status: { phase: 'Running' },
};
const WEBSERVICE = {
  metadata: { name: 'gitlab-webservice-default-7d9f8c6b4-q8w2n', namespace: 'gitlab', labels: { app: 'webservice' } },
  spec: { containers: [{ name: 'webservice', image: 'registry.gitlab.com/gitlab-org/build/cng/gitlab-webservice-ce:v18.5.1' }] },
  status: { phase: 'Running' },
};

let server: Server;
let base: string;
let issued: string | undefined;
const seen: Array<{ url: string; privateToken?: string; authorization?: string }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({
      url: request.url ?? '',
      privateToken: request.headers['private-token'] as string | undefined,
      authorization: request.headers.authorization,
    });
    response.setHeader('content-type', 'application/json');
    if (request.url === '/oauth/token') {
      // Doorkeeper's answer once the password grant is gone (GitLab 19 on self-managed).
      response.writeHead(400);
      response.end(
        '{"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported by the authorization server."}',
      );
      return;
    }
    if (!issued || request.headers['private-token'] !== issued) {
      response.writeHead(401);
      response.end('{"message":"401 Unauthorized"}');
      return;
    }
    response.end('[{"id":1,"path_with_namespace":"root/iot-app","default_branch":"main"}]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** `kubectl exec … gitlab-rails runner … <ruby>`: the token of set_token('…') becomes valid when the password is right. */
function toolboxRunner(): RecordingRunner {
  return new RecordingRunner().on(/ gitlab-rails runner /, (call: RecordedCall) => {
    const ruby = call.args.at(-1)!;
    if (ruby.includes('revoke!')) {
      issued = undefined;
      return { stdout: '' };
    }
    if (call.options.input !== `${PASSWORD}\n`)
      return { exitCode: 1, stderr: 'the initial root password does not sign root in (valid_password? is false)\n' };
    issued = /set_token\('([^']+)'\)/.exec(ruby)?.[1];
    return { stdout: 'iot-suite: token ready\n' };
  });
}

const cluster = () => ({ kube: new FakeKube().add('Pod', WEBSERVICE).add('Pod', TOOLBOX), kubectlArgs: ['--kubeconfig', '/tmp/k'] });

describe('root signs in with a personal access token made in the toolbox', () => {
  test('the token is made in the toolbox, used as PRIVATE-TOKEN, revoked at teardown; the password never reaches argv', async () => {
    const runner = toolboxRunner();
    const always = new CleanupStack();
    const lab = new GitLab(cluster(), always, runner, { baseUrl: base });
    const token = await lab.signIn(PASSWORD);
    expect(token).toMatch(/^iot[A-Za-z0-9]{17}$/);
    expect(runner.calls[0]!.args.slice(0, 13)).toEqual([
      '--kubeconfig',
      '/tmp/k',
      '-n',
      'gitlab',
      'exec',
      '-i',
      'gitlab-toolbox-6f9c7d8b5-2xk4p',
      '-c',
      'toolbox',
      '--',
      'gitlab-rails',
      'runner',
      '-e',
    ]);
    expect(runner.calls.flatMap((call) => call.args).some((arg) => arg.includes(PASSWORD))).toBe(false);
    expect((await lab.projects()).map((p) => p.path_with_namespace)).toEqual(['root/iot-app']);
    expect(seen.at(-1)).toMatchObject({ privateToken: token, authorization: undefined });
    expect(seen.some((r) => r.url === '/oauth/token')).toBe(false);
    expect(always.pending().map((step) => step.name)).toEqual(['revoke the GitLab token of the suite']);
    expect(always.pending()[0]!.detached).toMatchObject({ kind: 'run', cmd: 'kubectl' });
    await always.runAll();
    expect(runner.calls.at(-1)!.args.at(-1)).toBe(`PersonalAccessToken.find_by_token('${token}')&.revoke!`);
    await expect(lab.projects()).rejects.toThrow('GitLab API GET /projects?per_page=50&simple=true&order_by=last_activity_at: HTTP 401');
  });

  test("a wrong initial root password is GitLab's own verdict, named", async () => {
    const lab = new GitLab(cluster(), new CleanupStack(), toolboxRunner(), { baseUrl: base });
    await expect(lab.signIn('not-the-password')).rejects.toThrow(
      'root cannot sign in: gitlab-rails runner in gitlab-toolbox-6f9c7d8b5-2xk4p says: the initial root password does not sign root in (valid_password? is false)',
    );
  });

  test('the password grant is what GitLab 19 refuses (the server above answers as it does)', async () => {
    const response = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: 'root', password: PASSWORD }),
    });
    expect(response.status).toBe(400);
  });
});

describe('where gitlab-rails runs', () => {
  test("the Helm chart's toolbox (label app=toolbox), else an omnibus gitlab/gitlab-ce container, else none", () => {
    expect(railsPod([WEBSERVICE, TOOLBOX])).toEqual({ pod: 'gitlab-toolbox-6f9c7d8b5-2xk4p', container: 'toolbox' });
    const omnibus = {
      metadata: { name: 'gitlab-5c8d9f7b6-abcde', namespace: 'gitlab' },
      spec: { containers: [{ name: 'gitlab', image: 'gitlab/gitlab-ce:18.5.1-ce.0' }] },
      status: { phase: 'Running' },
    };
    expect(railsPod([WEBSERVICE, omnibus])).toEqual({ pod: 'gitlab-5c8d9f7b6-abcde', container: 'gitlab' });
    expect(railsPod([WEBSERVICE])).toBeUndefined();
  });

  test('the Ruby handed to gitlab-rails runner compiles (CRuby 3.4)', async () => {
    const wasm = createRequire(import.meta.url).resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm');
    const { vm } = await DefaultRubyVM(await WebAssembly.compile(await readFile(wasm)));
    for (const ruby of [createTokenRuby('iotAbCdEfGhIjKlMnOpQ'), revokeTokenRuby('iotAbCdEfGhIjKlMnOpQ')])
      expect(vm.eval(`RubyVM::InstructionSequence.compile(${JSON.stringify(ruby)}).class.name`).toString()).toBe(
        'RubyVM::InstructionSequence',
      );
    expect(() => vm.eval(`RubyVM::InstructionSequence.compile(${JSON.stringify("token.set_token('x'")})`)).toThrow();
  }, 60_000);
});
