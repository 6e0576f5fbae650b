import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { forwardedPort, startPortForward } from './port-forward.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iot-pf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fakeKubectl(body: string): Promise<Record<string, string>> {
  await writeFile(join(dir, 'kubectl'), `#!/bin/sh\n${body}\n`);
  await chmod(join(dir, 'kubectl'), 0o755);
  return { PATH: dir };
}

describe('kubectl port-forward', () => {
  test('reads the local port kubectl prints', () => {
    expect(forwardedPort('Forwarding from 127.0.0.1:41234 -> 8888')).toBe(41234);
    expect(forwardedPort('Forwarding from [::1]:41234 -> 8888')).toBeUndefined();
  });

  test('starts, reports the URL, and stops the process', async () => {
    const env = await fakeKubectl('echo "Forwarding from 127.0.0.1:41234 -> 8888"; exec sleep 30');
    const forward = await startPortForward({
      kubectlArgs: ['--kubeconfig', '/tmp/k'],
      namespace: 'dev',
      resource: 'svc/playground',
      remotePort: 8888,
      env,
    });
    expect(forward.url).toBe('http://127.0.0.1:41234/');
    expect(forward.alive()).toBe(true);
    forward.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(forward.alive()).toBe(false);
  });

  test('a forward that cannot start says why', async () => {
    const env = await fakeKubectl('echo "error: services \\"playground\\" not found" >&2; exit 1');
    await expect(
      startPortForward({ kubectlArgs: [], namespace: 'dev', resource: 'svc/playground', remotePort: 8888, env }),
    ).rejects.toThrow('kubectl port-forward svc/playground exited with code 1: error: services "playground" not found');
  });
});
