// Preflight's second half: what a kept part or a stale process leaves on the host, and sudo for the scripts.
import { createServer, type Server } from 'node:net';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTarget } from '../target/repository.ts';
import { RecordingRunner } from './command-runner.ts';
import { parseGlobalStatus, portTaken, privateAddressTaken } from './host-collisions.ts';
import { k3dReadiness, vagrantReadiness } from './host-readiness.ts';
import { gateForHost } from './live-gate.ts';
import { bootPlan } from './parts/k3d-argocd.ts';
import { sudoProblem, sudoUses } from './sudo-needs.ts';

const GLOBAL_STATUS = readFile(join(import.meta.dirname, 'fixtures/vagrant-global-status.txt'), 'utf8');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iot-readiness-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Part 1/2: something already answers on 192.168.56.110', () => {
  test('vagrant global-status (Vagrant 2.3.4, machine-readable): machines, their folder and state, names from its table', async () => {
    expect(parseGlobalStatus(await GLOBAL_STATUS)).toEqual([
      { id: '4c1f0e2', name: 'aliceS', provider: 'virtualbox', home: '/home/alice/iot/p1', state: 'running' },
      { id: '9d8e7f6', name: 'aliceSW', provider: 'virtualbox', home: '/home/alice/iot/p1', state: 'running' },
      { id: '1a2b3c4', name: 'default', provider: 'libvirt', home: '/home/alice/old', state: 'shutoff' },
    ]);
  });

  test('a kept Part 1 answering on SSH is named with how to remove it; the gate fails even without IOT_LIVE', async () => {
    const runner = new RecordingRunner().on(/^vagrant global-status --machine-readable$/, { stdout: await GLOBAL_STATUS });
    const probed: string[] = [];
    const problems = await vagrantReadiness({
      runner,
      listening: async (port, host) => {
        probed.push(`${host}:${port}`);
        return port === 22;
      },
    });
    expect(probed).toEqual(['192.168.56.110:22']);
    expect(problems).toEqual([
      {
        kind: 'busy',
        message:
          '192.168.56.110 already answers on port 22, so a new machine cannot take it: Vagrant still runs aliceS, aliceSW in /home/alice/iot/p1 (remove: cd /home/alice/iot/p1 && vagrant destroy -f). Part 1 and Part 2 both use 192.168.56.110: remove the other one first',
      },
    ]);
    expect(gateForHost(problems, false)).toEqual({ kind: 'fail', message: problems[0]!.message });
  });

  test('a VM Vagrant does not know is said so; nothing answering is no problem', async () => {
    const runner = new RecordingRunner().on(/^vagrant global-status/, { stdout: '1796458272,,metadata,machine-count,0\n' });
    expect(await privateAddressTaken('192.168.56.110', { runner, listening: async (port) => port === 6443 })).toBe(
      '192.168.56.110 already answers on port 6443, so a new machine cannot take it: Vagrant knows no running machine (a VM outside Vagrant? see VBoxManage list runningvms or virsh -c qemu:///system list). Part 1 and Part 2 both use 192.168.56.110: remove the other one first',
    );
    expect(await vagrantReadiness({ runner, listening: async () => false })).toEqual([]);
  });
});

describe('Part 3/bonus: a host port is held', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  test('by a kept k3d cluster (its load balancer container publishes the port)', async () => {
    const runner = new RecordingRunner().on(/^docker ps --filter publish=/, { stdout: 'k3d-iot-serverlb\tiot\n' });
    expect(await portTaken(port, { runner })).toBe(
      `port ${port} is held by the k3d cluster iot (container k3d-iot-serverlb), perhaps kept by an earlier run: remove it: k3d cluster delete iot`,
    );
    expect(runner.lines).toEqual([`docker ps --filter publish=${port} --format {{.Names}}\t{{.Label "k3d.cluster"}}`]);
  });

  test('by a process ss can name (this test process, for real), else said to be unknown', async () => {
    const ss = new RecordingRunner().on(/^ss /, {
      stdout: `LISTEN 0      511    127.0.0.1:${port} 0.0.0.0:* users:(("node",pid=${process.pid},fd=22))\n`,
    });
    expect(await portTaken(port, { runner: ss })).toBe(`port ${port} is held by node (pid ${process.pid}): stop it (kill ${process.pid})`);
    expect(await portTaken(port, { runner: new RecordingRunner() })).toBe(
      `port ${port} already answers on this host (ss cannot name the process: another user's, or root's): free it`,
    );
  });

  test('a free port is no problem', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const freePort = (free.address() as { port: number }).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const runner = new RecordingRunner();
    expect(await portTaken(freePort, { runner })).toBeUndefined();
    expect(runner.calls).toEqual([]);
  });
});

describe('sudo for the scripts to run (shell analysis, not text)', () => {
  // sudo 1.9.13p3 (Debian 12) as a user without a NOPASSWD rule: `sudo -n true` → exit 1 and this line.
  const PASSWORD_REQUIRED = { exitCode: 1, stderr: 'sudo: a password is required\n' };

  async function part3(files: Record<string, string>) {
    const root = await mkdtemp(join(dir, 'target-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
    await mkdir(join(root, 'p3/confs'), { recursive: true });
    return openTarget(root);
  }

  const SETUP = `#!/bin/bash
# sudo rm -rf /tmp/x   (a comment)
echo "this script needs sudo for docker"
if ! command -v docker >/dev/null 2>&1; then
  sudo apt-get install -y docker.io
fi
bash ./deploy.sh
`;
  const DEPLOY = '#!/bin/bash\nk3d cluster create iot\nsudo kubectl apply -f ../confs/app.yaml\n';
  /** A PATH holding only a `sudo` (the runner answers for it): found by `which`, whatever this machine has. */
  let sudoOnly: Record<string, string>;
  beforeAll(async () => {
    const bin = join(dir, 'sudo-only');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'sudo'), '#!/bin/sh\nexit 1\n');
    await chmod(join(bin, 'sudo'), 0o755);
    sudoOnly = { PATH: bin };
  });

  test('a sudo in a called script counts; one guarded by `command -v docker` does not when docker is here; comments and echo never', async () => {
    const target = await part3({ 'p3/scripts/setup.sh': SETUP, 'p3/scripts/deploy.sh': DEPLOY });
    const plan = await bootPlan(target, 'p3');
    expect(plan.run.map((s) => s.path)).toEqual(['p3/scripts/setup.sh']);
    const bin = join(dir, 'with-docker');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'docker'), '#!/bin/sh\n');
    await chmod(join(bin, 'docker'), 0o755);
    expect(await sudoUses(target, 'p3', plan, { PATH: bin })).toEqual([
      { at: 'p3/scripts/deploy.sh:3', command: 'sudo kubectl apply -f ../confs/app.yaml' },
    ]);
    expect(await sudoUses(target, 'p3', plan, { PATH: join(dir, 'empty') })).toEqual([
      { at: 'p3/scripts/setup.sh:5', command: 'sudo apt-get install -y docker.io' },
      { at: 'p3/scripts/deploy.sh:3', command: 'sudo kubectl apply -f ../confs/app.yaml' },
    ]);
  });

  test('sudo asking for a password: a skip naming the command and the fix (a failure with IOT_LIVE=1); root or NOPASSWD: no problem', async () => {
    const uses = [{ at: 'p3/scripts/deploy.sh:3', command: 'sudo kubectl apply -f ../confs/app.yaml' }];
    const asking = new RecordingRunner().on(/^sudo -n true$/, PASSWORD_REQUIRED);
    const message = await sudoProblem(uses, asking, sudoOnly, 1000);
    expect(message).toBe(
      'p3/scripts/deploy.sh:3 runs `sudo kubectl apply -f ../confs/app.yaml`, and sudo asks for a password here (`sudo -n true`: sudo: a password is required). ' +
        'The scripts run without a terminal, so sudo cannot ask, and `sudo -v` beforehand does not help: sudo keeps its credentials per terminal. ' +
        'Run the suite where sudo needs no password (a NOPASSWD sudoers rule for your user, a CI runner, or as root); ' +
        'a script that calls sudo only for docker or k3d needs no sudo when your user may use Docker (the docker group)',
    );
    expect(gateForHost([{ kind: 'needs', message: message! }], false)).toEqual({ kind: 'skip', message: `skipped: ${message}` });
    expect(gateForHost([{ kind: 'needs', message: message! }], true)).toEqual({
      kind: 'fail',
      message: `${message} (IOT_LIVE=1: a host that cannot run the part is a failure)`,
    });
    expect(await sudoProblem(uses, new RecordingRunner().on(/^sudo -n true$/, { exitCode: 0 }), sudoOnly, 1000)).toBeUndefined();
    expect(await sudoProblem(uses, asking, sudoOnly, 0)).toBeUndefined();
    expect(await sudoProblem([], asking, sudoOnly, 1000)).toBeUndefined();
    expect(await sudoProblem(uses, asking, { PATH: join(dir, 'empty') }, 1000)).toBe(
      'p3/scripts/deploy.sh:3 runs `sudo kubectl apply -f ../confs/app.yaml`, and sudo is not installed here: install it and allow your user to use it without a password, or run the suite as root',
    );
  });

  test('Part 3 readiness puts the ports and sudo together', async () => {
    const target = await part3({ 'p3/scripts/setup.sh': SETUP, 'p3/scripts/deploy.sh': DEPLOY });
    const runner = new RecordingRunner().on(/^sudo -n true$/, PASSWORD_REQUIRED);
    const problems = await k3dReadiness({
      runner,
      target,
      part: 'p3',
      plan: bootPlan(target, 'p3'),
      uid: 1000,
      env: sudoOnly,
      listening: async () => false,
    });
    expect(problems.map((p) => p.kind)).toEqual(['needs']);
    expect(problems[0]!.message).toMatch(
      /^p3\/scripts\/setup\.sh:5 runs `sudo apt-get install -y docker\.io` \(and 1 more sudo command\), and sudo asks/,
    );
  });
});
