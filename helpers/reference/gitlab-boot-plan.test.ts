// The live suite boots this repository's bonus the way it boots a student's (suites/bonus/live.test.ts):
// the same driver, the same planner, Part 3's scripts first when no bonus script creates the cluster.
// Booted here with a recording runner, the steps must be the ones README.md's bonus section lists.
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readConfig } from '../config/env.ts';
import { RecordingRunner } from '../cluster/command-runner.ts';
import { PartSession } from '../cluster/part-session.ts';
import { K3dArgoCd, partPlan } from '../cluster/parts/k3d-argocd.ts';
import type { SignalSource } from '../cluster/teardown.ts';
import { openTarget, type Target } from '../target/repository.ts';
import { REPO_ROOT } from './gitlab-host.ts';

let target: Target;
let reports: string;
beforeAll(async () => {
  target = await openTarget(REPO_ROOT);
  reports = await mkdtemp(join(tmpdir(), 'iot-reports-'));
});
afterAll(() => rm(reports, { recursive: true, force: true }));

/** The rows of the table under "#### How the live checks boot it" in the bonus section of README.md. */
async function readmeSteps(): Promise<Array<{ script: string; from: string }>> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const bonus = readme.slice(readme.indexOf('### Bonus: GitLab (`manifests/bonus`)'));
  const section = bonus.slice(bonus.indexOf('#### How the live checks boot it'));
  const rows = [...section.slice(0, section.indexOf('\n####')).matchAll(/^\| \d+ \| `([^`]+)` \| `([^`]+)` \|$/gm)];
  return rows.map((row) => ({ script: row[1]!, from: row[2]! }));
}

test('the planner boots the reference bonus with the steps README.md lists: Part 3, then the bonus setup', async () => {
  const steps = await readmeSteps();
  expect(steps).toEqual([
    { script: 'manifests/p3/scripts/setup.sh', from: 'manifests/p3' },
    { script: 'manifests/bonus/scripts/setup.sh', from: 'manifests/bonus' },
  ]);

  let listed = 0;
  const runner = new RecordingRunner()
    .on(/^k3d cluster list -o json$/, () => ({ stdout: listed++ === 0 ? '[]' : '[{"name":"iot"}]' }))
    .on(/^k3d kubeconfig get iot$/, {
      stdout:
        'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://127.0.0.1:6550\n  name: k3d-iot\ncontexts:\n- context:\n    cluster: k3d-iot\n    user: admin@k3d-iot\n  name: k3d-iot\ncurrent-context: k3d-iot\nusers:\n- name: admin@k3d-iot\n  user:\n    token: x\n',
    });
  const config = readConfig({ IOT_REPO: REPO_ROOT, IOT_REPORTS_DIR: reports, IOT_KEEP: 'on-failure' });
  const session = await PartSession.open({
    part: 'bonus',
    config,
    runner,
    gate: { kind: 'run' },
    // As suites/bonus/live.test.ts builds it.
    makeDriver: (log) =>
      new K3dArgoCd({ part: 'bonus', target, runner, log, override: config.bonusSetup, before: partPlan(target, 'p3', config.p3Setup) }),
    write: () => {},
    signals: new EventEmitter() as EventEmitter & SignalSource,
    exit: () => {},
  });
  expect(await session.boot()).toEqual({ ok: true });
  const ran = runner.calls.filter((call) => call.cmd === 'bash');
  expect(ran.map((call) => ({ args: call.args, cwd: call.options.cwd }))).toEqual(
    steps.map((step) => ({ args: [join(REPO_ROOT, step.script)], cwd: join(REPO_ROOT, step.from) })),
  );
  expect(session.driver.plan.skipped.map((s) => `${s.path}: ${s.why}`)).toEqual([
    'manifests/p3/scripts/teardown.sh: a cleanup script',
    'manifests/bonus/scripts/bump-version.sh: creates no cluster and applies nothing',
    'manifests/bonus/scripts/lib.sh: creates no cluster and applies nothing',
    'manifests/bonus/scripts/password.sh: creates no cluster and applies nothing',
    'manifests/bonus/scripts/teardown.sh: a cleanup script',
  ]);
  expect(session.driver.cluster).toBe('iot');
  await session.finish();
  expect(runner.lines).toContain('k3d cluster delete iot');
});
