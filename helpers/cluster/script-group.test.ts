// Running a target's own scripts: a script that leaves `kubectl port-forward … &` behind must not hold the
// boot until that child exits, and what it leaves is ended with its process group at teardown. A script
// that ends in a foreground port-forward is done once its port listens.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readConfig } from '../config/env.ts';
import { openTarget } from '../target/repository.ts';
import { RecordingRunner, ZxRunner } from './command-runner.ts';
import { K3dArgoCd } from './parts/k3d-argocd.ts';
import { PartSession } from './part-session.ts';
import type { TeardownHandover } from './teardown-handover.ts';
import type { SignalSource } from './teardown.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Running and not a zombie (an ended orphan may wait for a container's init to reap it). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('ZxRunner.start', () => {
  test('settles when the script exits although a background child keeps its output open; stop() ends that child', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iot-group-'));
    dirs.push(dir);
    const lines: string[] = [];
    const run = new ZxRunner().start('bash', ['-c', `echo up; sleep 30 2>&1 >/dev/null & echo $! > ${dir}/child; echo done`], {
      onLine: (line) => lines.push(line),
    });
    const started = Date.now();
    const result = await run.exited;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(['up', 'done']);
    const { readFile } = await import('node:fs/promises');
    const child = Number((await readFile(join(dir, 'child'), 'utf8')).trim());
    expect(alive(child)).toBe(true);
    run.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alive(child)).toBe(false);
  });

  test('a failing script reports its exit code and its output', async () => {
    const result = await new ZxRunner().start('bash', ['-c', 'echo broken >&2; exit 3']).exited;
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('broken\n');
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const recordingHandover = (): TeardownHandover => ({ logFile: 'teardown.log', update() {}, dismiss() {}, takeOver() {} });

describe('a script ending in a foreground port-forward (recorded k3d)', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  test('is done once its port listens, keeps running, and is ended at teardown', async () => {
    const port = await freePort();
    // The port listens once the script runs (the server stands for its kubectl port-forward).
    const listenWhenStarted = () => {
      server = createServer(() => {});
      server.listen(port, '127.0.0.1');
      return new Promise<never>(() => {});
    };
    const root = await mkdtemp(join(tmpdir(), 'iot-holds-'));
    dirs.push(root);
    await mkdir(join(root, 'p3/scripts'), { recursive: true });
    await writeFile(
      join(root, 'p3/scripts/init.sh'),
      `k3d cluster create iot\nkubectl port-forward -n argocd svc/argocd-server ${port}:443\n`,
    );
    const target = await openTarget(root);
    let listed = 0;
    const runner = new RecordingRunner()
      .on(/^bash /, listenWhenStarted)
      .on(/^k3d cluster list -o json$/, () => ({ stdout: listed++ === 0 ? '[]' : '[{"name":"iot"}]' }))
      .on(/^k3d kubeconfig get iot$/, {
        stdout:
          'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://0.0.0.0:6550\n  name: k3d-iot\ncontexts:\n- context:\n    cluster: k3d-iot\n    user: u\n  name: k3d-iot\ncurrent-context: k3d-iot\nusers:\n- name: u\n  user:\n    token: x\n',
      });
    const reports = await mkdtemp(join(tmpdir(), 'iot-reports-'));
    dirs.push(reports);
    const config = readConfig({ IOT_REPO: root, IOT_REPORTS_DIR: reports, IOT_KEEP: 'never' });
    const s = await PartSession.open({
      part: 'p3',
      config,
      runner,
      gate: { kind: 'run' },
      lockPath: join(reports, 'lock'),
      handover: recordingHandover,
      makeDriver: (log) => new K3dArgoCd({ part: 'p3', target, runner, log }),
      write: () => {},
      signals: new EventEmitter() as EventEmitter & SignalSource,
      exit: () => {},
    });
    expect(await s.boot()).toEqual({ ok: true });
    expect(s.driver.cluster).toBe('iot');
    expect(runner.stopped).toEqual([]);
    await s.finish();
    expect(runner.stopped).toEqual([`bash ${join(target.root, 'p3/scripts/init.sh')}`]);
    expect(runner.lines).toContain('k3d cluster delete iot');
  });

  test('its port must be free before it starts: a port-forward left by an earlier run is named, the script never runs', async () => {
    const stale = createServer(() => {});
    await new Promise<void>((resolve) => stale.listen(0, '127.0.0.1', resolve));
    const port = (stale.address() as { port: number }).port;
    try {
      const root = await mkdtemp(join(tmpdir(), 'iot-holds-'));
      dirs.push(root);
      await mkdir(join(root, 'p3/scripts'), { recursive: true });
      await writeFile(
        join(root, 'p3/scripts/init.sh'),
        `k3d cluster create iot\nkubectl port-forward -n argocd svc/argocd-server ${port}:443\n`,
      );
      const target = await openTarget(root);
      // ss's real answer for a listening process (iproute2 6.1, Debian 12), with this port and a kubectl pid.
      const runner = new RecordingRunner()
        .on(/^k3d cluster list -o json$/, { stdout: '[]' })
        .on(/^ss -Htlnp/, { stdout: `LISTEN 0      4096   127.0.0.1:${port} 0.0.0.0:* users:(("kubectl",pid=48213,fd=7))\n` });
      const reports = await mkdtemp(join(tmpdir(), 'iot-reports-'));
      dirs.push(reports);
      const s = await PartSession.open({
        part: 'p3',
        config: readConfig({ IOT_REPO: root, IOT_REPORTS_DIR: reports, IOT_KEEP: 'never' }),
        runner,
        gate: { kind: 'run' },
        lockPath: join(reports, 'lock'),
        handover: recordingHandover,
        makeDriver: (log) => new K3dArgoCd({ part: 'p3', target, runner, log }),
        write: () => {},
        signals: new EventEmitter() as EventEmitter & SignalSource,
        exit: () => {},
      });
      const state = await s.boot();
      expect(state.ok).toBe(false);
      expect((state as { error: Error }).error.message).toBe(
        `bash p3/scripts/init.sh cannot start: it is done once port ${port} listens, and port ${port} is held by kubectl (pid 48213), a port-forward left by an earlier run perhaps: stop it (kill 48213)`,
      );
      expect(runner.lines.some((line) => line.startsWith('bash '))).toBe(false);
      await s.finish();
    } finally {
      stale.close();
    }
  });
});
