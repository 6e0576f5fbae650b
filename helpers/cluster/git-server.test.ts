import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runChecked, ZxRunner } from './command-runner.ts';
import { isLocalAddress, listenAddressFor, parseCgiHead, startGitServer, type GitServer } from './git-server.ts';
import { GitWorkspace, retag } from './git-workspace.ts';

const runner = new ZxRunner();
const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fresh(): Promise<{ dir: string; server: GitServer; workspace: GitWorkspace }> {
  const dir = await mkdtemp(join(tmpdir(), 'iot-git-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const server = await startGitServer({ root: join(dir, 'srv'), listen: '127.0.0.1', publicHost: 'host.k3d.internal', env });
  cleanups.push(() => server.close());
  const workspace = await GitWorkspace.create({ runner, serverRoot: join(dir, 'srv'), workDir: join(dir, 'work'), name: 'iot-app', env });
  return { dir, server, workspace };
}

const deployment = (tag: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: playground\nspec:\n  template:\n    spec:\n      containers:\n        - name: playground\n          image: wil42/playground:${tag}\n`;

describe('git server (git http-backend behind node:http)', () => {
  test('a real git push and git clone over HTTP carry the commit', async () => {
    const { dir, server, workspace } = await fresh();
    await workspace.writeFiles({ 'deployment.yaml': deployment('v1') });
    const v1 = await workspace.commit('app at v1');
    await workspace.push(server.localUrl(workspace.repo));

    await runChecked(runner, 'git', ['clone', '--quiet', server.localUrl(workspace.repo), join(dir, 'clone')], { env });
    expect(await readFile(join(dir, 'clone', 'deployment.yaml'), 'utf8')).toContain('wil42/playground:v1');
    const cloned = await runChecked(runner, 'git', ['rev-parse', 'HEAD'], { cwd: join(dir, 'clone'), env });
    expect(cloned.stdout.trim()).toBe(v1);

    const services = server.requests.map((r) => `${r.method} ${r.service} ${r.status}`);
    expect(services).toContain('POST git-receive-pack 200');
    expect(services).toContain('POST git-upload-pack 200');
  });

  test('v1 → v2 commit, then revert, each visible to ls-remote at its sha', async () => {
    const { server, workspace } = await fresh();
    await workspace.writeFiles({ 'app/deployment.yaml': deployment('v1') });
    await workspace.commit('v1');
    await workspace.push(server.localUrl(workspace.repo));

    const files = await workspace.readFiles();
    const changed = retag(files['app/deployment.yaml']!, 'v1', 'v2');
    expect(changed.changes).toBe(1);
    await workspace.writeFiles({ 'app/deployment.yaml': changed.text });
    const v2 = await workspace.commit('v1 → v2');
    await workspace.push(server.localUrl(workspace.repo));
    const remote = await runChecked(runner, 'git', ['ls-remote', server.localUrl(workspace.repo), 'refs/heads/main'], { env });
    expect(remote.stdout.split(/\s/)[0]).toBe(v2);

    const reverted = await workspace.revertHead();
    await workspace.push(server.localUrl(workspace.repo));
    expect((await workspace.readFiles())['app/deployment.yaml']).toContain(':v1');
    const after = await runChecked(runner, 'git', ['ls-remote', server.localUrl(workspace.repo), 'refs/heads/main'], { env });
    expect(after.stdout.split(/\s/)[0]).toBe(reverted);
    expect(reverted).not.toBe(v2);
  });

  test('the URL for the cluster names host.k3d.internal; pushes from a foreign address are refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iot-git-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const server = await startGitServer({ root: join(dir, 'srv'), publicHost: 'host.k3d.internal', allowPush: () => false, env });
    cleanups.push(() => server.close());
    const workspace = await GitWorkspace.create({ runner, serverRoot: join(dir, 'srv'), workDir: join(dir, 'work'), name: 'app', env });
    expect(server.url('app.git')).toBe(`http://host.k3d.internal:${server.port}/app.git`);
    await workspace.writeFiles({ 'a.yaml': 'a: 1\n' });
    await workspace.commit('one');
    await expect(workspace.push(server.localUrl('app.git'))).rejects.toThrow(/ push .*failed with exit code 128/s);
    expect(server.requests.some((r) => r.service === 'git-receive-pack' && r.status === 403)).toBe(true);
  });
});

describe('git server helpers', () => {
  test('CGI head: Status line and headers', () => {
    expect(parseCgiHead('Status: 404 Not Found\r\nContent-Type: text/plain')).toEqual({
      status: 404,
      headers: [['Content-Type', 'text/plain']],
    });
    expect(parseCgiHead('Content-Type: application/x-git-upload-pack-advertisement\nCache-Control: no-cache').status).toBe(200);
  });

  test('listen address: the k3d gateway when it is a local interface, otherwise every interface', () => {
    const locals = new Set(['127.0.0.1', '172.18.0.1']);
    expect(listenAddressFor('172.18.0.1', locals)).toBe('172.18.0.1');
    expect(listenAddressFor('192.168.65.254', locals)).toBe('0.0.0.0');
    expect(listenAddressFor(undefined, locals)).toBe('0.0.0.0');
    expect(isLocalAddress('::ffff:127.0.0.1', locals)).toBe(true);
    expect(isLocalAddress('172.18.0.3', locals)).toBe(false);
  });

  test('retag changes image tags only', () => {
    const text = 'image: "wil42/playground:v1"\nlabel: v1\n  - image: ghcr.io/x/app:v1 # app\n';
    const out = retag(text, 'v1', 'v2');
    expect(out.changes).toBe(2);
    expect(out.text).toBe('image: "wil42/playground:v2"\nlabel: v1\n  - image: ghcr.io/x/app:v2 # app\n');
    expect(retag('image: nginx:1.27\n', 'v1', 'v2').changes).toBe(0);
  });
});
