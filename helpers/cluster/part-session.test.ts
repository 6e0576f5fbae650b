// The lifecycle around a boot, with a command runner that records calls: the drivers boot the passing
// fixture's Vagrantfile / scripts, evidence is written on failure, teardown follows IOT_KEEP and Ctrl-C.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT, readConfig, type KeepPolicy } from '../config/env.ts';
import { openTarget, type Target } from '../target/repository.ts';
import { BootLog } from './boot.ts';
import { RecordingRunner } from './command-runner.ts';
import { collectEvidence } from './evidence.ts';
import { K3dArgoCd } from './parts/k3d-argocd.ts';
import { VagrantCluster } from './parts/vagrant-cluster.ts';
import { PartSession } from './part-session.ts';
import type { SignalSource } from './teardown.ts';
import type { TeardownHandover, TeardownPlan } from './teardown-handover.ts';

const FIXTURE = resolve(PROJECT_ROOT, 'suites/fixtures/passing');
let reports: string;
let target: Target;

beforeAll(async () => {
  reports = await mkdtemp(join(tmpdir(), 'iot-reports-'));
  target = await openTarget(FIXTURE);
});
afterAll(async () => {
  await rm(reports, { recursive: true, force: true });
});

const STATUS =
  '1700000000,wilS,metadata,provider,virtualbox\n1700000000,wilS,state,running\n1700000000,wilSW,metadata,provider,virtualbox\n1700000000,wilSW,state,running\n';

function vagrantRunner(up: { exitCode?: number; stderr?: string } = {}): RecordingRunner {
  return new RecordingRunner()
    .on(/^vagrant up --no-parallel$/, { stdout: '==> wilS: Booting VM...\n    wilSW: [INFO]  systemd: Starting k3s-agent\n', ...up })
    .on(/^vagrant status --machine-readable$/, { stdout: STATUS })
    .on(/^vagrant ssh wilS -c sudo kubectl get nodes -o wide/, {
      stdout:
        'NAME    STATUS     ROLES                  AGE\nwils    Ready      control-plane,master   2m\nwilsw   NotReady   <none>                 1m\n',
    })
    .on(/^vagrant ssh wilS -c sudo kubectl get pods -A -o json/, { stdout: '{"items":[]}' })
    .on(/^vagrant ssh wilSW -c sudo journalctl/, { exitCode: 255, stderr: 'ssh: connect to host 127.0.0.1 port 2200: Connection refused' });
}

let sessions = 0;

/** Records what the session hands to the detached teardown (teardown-handover.ts) instead of starting it. */
class RecordingHandover implements TeardownHandover {
  readonly pid = 4242;
  readonly logFile = 'reports/p1/teardown.log';
  plans: TeardownPlan[] = [];
  events: string[] = [];
  update(plan: TeardownPlan): void {
    this.plans.push(plan);
  }
  dismiss(): void {
    this.events.push('dismiss');
  }
  takeOver(): void {
    this.events.push('take over');
  }
  get plan(): TeardownPlan | undefined {
    return this.plans.at(-1);
  }
}

async function session(
  runner: RecordingRunner,
  keep: KeepPolicy,
  signals = new EventEmitter() as EventEmitter & SignalSource,
  exits: number[] = [],
  handover = new RecordingHandover(),
  lockPath = join(reports, `host-${++sessions}.lock`),
) {
  const config = readConfig({ IOT_REPO: FIXTURE, IOT_REPORTS_DIR: reports, IOT_KEEP: keep });
  const out: string[] = [];
  const s = await PartSession.open({
    part: 'p1',
    config,
    runner,
    gate: { kind: 'run' },
    lockPath,
    handover: () => handover,
    makeDriver: (log: BootLog) => new VagrantCluster({ part: 'p1', target, runner, log }),
    write: (text) => out.push(text),
    signals,
    exit: (code) => exits.push(code),
  });
  return { session: s, out, signals, exits, handover };
}

describe('Part 1 boot and teardown (recorded vagrant)', () => {
  test('vagrant up runs in the Vagrantfile folder, streamed and timed; machines come from vagrant status', async () => {
    const runner = vagrantRunner();
    const { session: s, out } = await session(runner, 'on-failure');
    const state = await s.boot();
    expect(state).toEqual({ ok: true });
    expect(runner.calls[0]).toMatchObject({ cmd: 'vagrant', args: ['up', '--no-parallel'], options: { cwd: join(FIXTURE, 'p1') } });
    expect(s.driver.machines.map((m) => `${m.name} ${m.state}`)).toEqual(['wilS running', 'wilSW running']);
    expect(s.driver.roles).toEqual({ server: 'wilS', worker: 'wilSW' });
    expect(out.join('')).toContain('[p1 wilSW +00:00] [INFO]  systemd: Starting k3s-agent');
    expect(Object.keys(s.timings)).toEqual(expect.arrayContaining(['vagrant up', 'vagrant status', 'boot']));
    await s.finish();
    expect(runner.lines.at(-1)).toBe('vagrant destroy -f');
    const timings = JSON.parse(await readFile(join(reports, 'p1', 'timings.json'), 'utf8'));
    expect(timings).toMatchObject({ part: 'p1', outcome: 'success', teardown: 'destroy' });
    expect(timings.timingsMs).toHaveProperty('teardown');
  });

  test('on-failure: a failed check keeps the machines and prints how to remove them', async () => {
    const runner = vagrantRunner();
    const { session: s, out } = await session(runner, 'on-failure');
    await s.boot();
    s.record('P1L-NODES', { status: 'fail' });
    await s.finish();
    expect(runner.lines).not.toContain('vagrant destroy -f');
    expect(out.join('')).toContain(
      `p1: kept running (IOT_KEEP=on-failure and P1L-NODES failed). To remove it:\n  (cd ${join(FIXTURE, 'p1')} && vagrant destroy -f)`,
    );
  });

  test('never destroys even after a failure; always keeps even after success', async () => {
    const never = vagrantRunner();
    const a = await session(never, 'never');
    await a.session.boot();
    a.session.record('P1L-UP', { status: 'fail' });
    await a.session.finish();
    expect(never.lines).toContain('vagrant destroy -f');

    const always = vagrantRunner();
    const b = await session(always, 'always');
    await b.session.boot();
    await b.session.finish();
    expect(always.lines).not.toContain('vagrant destroy -f');
  });

  test('a failing vagrant up is a boot failure with a zx-style message; what it half-created is still destroyed', async () => {
    const runner = vagrantRunner({
      exitCode: 1,
      stderr: 'The SSH command responded with a non-zero exit status.\nk3s-agent install failed',
    });
    const { session: s } = await session(runner, 'on-failure');
    const state = await s.boot();
    expect(state.ok).toBe(false);
    const message = (state as { error: Error }).error.message;
    expect(message).toContain(
      'vagrant up --no-parallel in p1/Vagrantfile: `vagrant up --no-parallel` failed with exit code 1 (general error)',
    );
    expect(message).toContain('    k3s-agent install failed');
    await s.finish();
    expect(runner.lines).toContain('vagrant destroy -f');
  });

  test('Ctrl-C hands the teardown to the detached process (what checks changed first, then the boot by policy), then exits 130', async () => {
    const runner = vagrantRunner();
    const { session: s, signals, exits, handover, out } = await session(runner, 'on-failure');
    await s.boot();
    let restored = false;
    s.always.push('restore Application', () => void (restored = true), { kind: 'run', cmd: 'kubectl', args: ['patch', 'application'] });
    s.always.push('stop the suite git server', () => {});
    expect(handover.plan?.steps.map((step) => step.name)).toEqual([
      'stop the suite git server',
      'restore Application',
      'vagrant destroy -f (p1/Vagrantfile)',
    ]);
    signals.emit('SIGINT');
    await s.guard!.settled();
    expect(s.signal.aborted).toBe(true);
    expect(handover.events).toEqual(['take over']);
    expect(handover.plan!.steps.at(-1)).toEqual({
      name: 'vagrant destroy -f (p1/Vagrantfile)',
      detached: {
        kind: 'run',
        cmd: 'vagrant',
        args: ['destroy', '-f'],
        cwd: join(FIXTURE, 'p1'),
        timeoutMs: 600_000,
        retries: 6,
        retryDelayMs: 10_000,
      },
    });
    expect(handover.plan!.lock).toEqual({ path: join(reports, `host-${sessions}.lock`), pids: [process.pid, 4242] });
    // Nothing ran in this process: it is about to be killed by vitest's watchdog.
    expect(restored).toBe(false);
    expect(runner.lines).not.toContain('vagrant destroy -f');
    expect(out.join('')).toContain(
      '[p1] interrupted: the teardown continues in the background (pid 4242); follow it with tail -f reports/p1/teardown.log',
    );
    expect(exits).toEqual([130]);
    await s.finish();
    expect(handover.events).toEqual(['take over']);
  });

  test('after a failed check, Ctrl-C keeps the machines (on-failure) and the plan says how to remove them', async () => {
    const runner = vagrantRunner();
    const { session: s, handover } = await session(runner, 'on-failure');
    await s.boot();
    expect(handover.plan?.kept).toBeUndefined();
    s.record('P1L-NODES', { status: 'fail' });
    expect(handover.plan?.steps).toEqual([]);
    expect(handover.plan?.kept).toBe(
      `p1: kept running (IOT_KEEP=on-failure and P1L-NODES failed before Ctrl-C). To remove it:\n  (cd ${join(FIXTURE, 'p1')} && vagrant destroy -f)`,
    );
    await s.finish();
    expect(handover.events).toEqual(['dismiss']);
  });

  test('a normal end tears down in process, dismisses the detached process and releases the host lock', async () => {
    const runner = vagrantRunner();
    const lock = join(reports, 'normal-end.lock');
    const { session: s, handover } = await session(runner, 'never', undefined, undefined, undefined, lock);
    await s.boot();
    expect(existsSync(lock)).toBe(true);
    await s.finish();
    expect(runner.lines.at(-1)).toBe('vagrant destroy -f');
    expect(handover.plans.at(-1)?.steps).toEqual([]);
    expect(handover.events).toEqual(['dismiss']);
    expect(existsSync(lock)).toBe(false);
  });

  test('a second live run on the host fails at once, naming the first', async () => {
    const runner = vagrantRunner();
    const lock = join(reports, 'shared.lock');
    const first = await session(runner, 'never', undefined, undefined, undefined, lock);
    const second = await session(runner, 'never', undefined, undefined, undefined, lock);
    expect(second.session.gate.kind).toBe('fail');
    expect((second.session.gate as { message: string }).message).toMatch(
      new RegExp(
        `^another live run holds this host: p1 live checks, started \\S+ in \\S+ \\(pid ${process.pid}\\)\\. Parts share 192\\.168\\.56\\.110`,
      ),
    );
    await first.session.finish();
    const third = await session(runner, 'never', undefined, undefined, undefined, lock);
    expect(third.session.gate.kind).toBe('run');
    await third.session.finish();
  });

  test('evidence: kubectl on the server and journals, written under reports/p1/<ID>/; a source that fails says why', async () => {
    const runner = vagrantRunner();
    const { session: s } = await session(runner, 'never');
    await s.boot();
    const result = await collectEvidence({
      reportsDir: reports,
      part: 'p1',
      checkId: 'P1L-NODES',
      sources: s.driver.evidence(),
      extra: { 'failure.txt': 'timeout waiting for: 2 nodes Ready' },
      projectRoot: reports,
    });
    expect(result.folder).toBe('p1/P1L-NODES');
    expect(result.files).toEqual(
      expect.arrayContaining([
        'p1/P1L-NODES/failure.txt',
        'p1/P1L-NODES/nodes.txt',
        'p1/P1L-NODES/pods.txt',
        'p1/P1L-NODES/events.txt',
        'p1/P1L-NODES/not-ready.txt',
        'p1/P1L-NODES/journal-k3s-wilS.txt',
        'p1/P1L-NODES/journal-k3s-agent-wilSW.txt',
      ]),
    );
    expect(await readFile(join(reports, 'p1/P1L-NODES/nodes.txt'), 'utf8')).toContain('wilsw   NotReady');
    expect(await readFile(join(reports, 'p1/P1L-NODES/not-ready.txt'), 'utf8')).toBe('every pod is Ready (or Succeeded)\n');
    expect(await readFile(join(reports, 'p1/P1L-NODES/journal-k3s-agent-wilSW.txt'), 'utf8')).toContain(
      'could not collect journal-k3s-agent-wilSW.txt: on wilSW: `vagrant ssh wilSW',
    );
    expect(runner.lines).toContain('vagrant ssh wilS -c sudo journalctl -u k3s --no-pager -n 400 -- -o BatchMode=yes -o ConnectTimeout=20');
    await s.finish();
  });

  test('a skipped part never boots and never tears down', async () => {
    const runner = vagrantRunner();
    const config = readConfig({ IOT_REPO: FIXTURE, IOT_REPORTS_DIR: reports });
    const out: string[] = [];
    const s = await PartSession.open({
      part: 'p1',
      config,
      runner,
      gate: { kind: 'skip', message: 'skipped: P1 live checks need vagrant (not on PATH — install it: …)' },
      lockPath: join(reports, 'host.lock'),
      makeDriver: () => {
        throw new Error('must not be called');
      },
      write: (t) => out.push(t),
    });
    expect(out).toEqual(['[p1] skipped: P1 live checks need vagrant (not on PATH — install it: …)\n']);
    expect(s.guard).toBeUndefined();
    await s.finish();
    expect(runner.calls).toEqual([]);
  });
});

describe('Part 3 boot and teardown (recorded k3d)', () => {
  test('runs setup.sh with bash, finds the cluster it created, and deletes only that one', async () => {
    let listed = 0;
    const runner = new RecordingRunner()
      .on(/^k3d cluster list -o json$/, () => ({
        stdout: listed++ === 0 ? '[{"name":"someone-elses"}]' : '[{"name":"someone-elses"},{"name":"iot"}]',
      }))
      .on(/^k3d kubeconfig get iot$/, {
        stdout:
          'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://0.0.0.0:6550\n  name: k3d-iot\ncontexts:\n- context:\n    cluster: k3d-iot\n    user: admin@k3d-iot\n  name: k3d-iot\ncurrent-context: k3d-iot\nusers:\n- name: admin@k3d-iot\n  user:\n    token: x\n',
      });
    const config = readConfig({ IOT_REPO: FIXTURE, IOT_REPORTS_DIR: reports, IOT_KEEP: 'on-failure' });
    const s = await PartSession.open({
      part: 'p3',
      config,
      runner,
      gate: { kind: 'run' },
      lockPath: join(reports, 'host.lock'),
      handover: () => new RecordingHandover(),
      makeDriver: (log) => new K3dArgoCd({ part: 'p3', target, runner, log }),
      write: () => {},
      signals: new EventEmitter() as EventEmitter & SignalSource,
      exit: () => {},
    });
    expect(await s.boot()).toEqual({ ok: true });
    const script = runner.calls.find((c) => c.cmd === 'bash')!;
    expect(script.args).toEqual([join(FIXTURE, 'p3/scripts/setup.sh')]);
    expect(script.options.cwd).toBe(join(FIXTURE, 'p3/scripts'));
    expect(runner.calls.some((c) => c.args[0]?.endsWith('install.sh'))).toBe(false);
    expect(s.driver.cluster).toBe('iot');
    expect(s.driver.created).toEqual(['iot']);
    expect(s.driver.cleanupCommands()).toEqual(['k3d cluster delete iot']);
    await s.finish();
    expect(runner.lines).toContain('k3d cluster delete iot');
    expect(runner.lines).not.toContain('k3d cluster delete someone-elses');
  });
});
