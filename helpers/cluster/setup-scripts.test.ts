import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TargetFile } from '../target/repository.ts';
import { planOf } from './plan-testing.ts';
import { workingFolder } from './setup-scripts.ts';

const file = (path: string, text: string): TargetFile => ({ path, size: text.length, text, part: 'p3' });
const passing = (path: string): TargetFile =>
  file(`p3/${path}`, readFileSync(join(import.meta.dirname, '../../suites/fixtures/passing/p3', path), 'utf8'));

describe('which Part 3 scripts boot the part', () => {
  test('the passing fixture: install.sh only installs host tools, setup.sh creates the cluster', async () => {
    const plan = await planOf([passing('scripts/install.sh'), passing('scripts/setup.sh'), passing('confs/application.yaml')]);
    expect(plan.run.map((s) => s.path)).toEqual(['p3/scripts/setup.sh']);
    expect(plan.run[0]!.cwd).toBe('p3/scripts');
    expect(plan.skipped).toEqual([{ path: 'p3/scripts/install.sh', why: 'installs host tools only (preflight found them on this host)' }]);
    expect(plan.createsCluster).toBe(true);
  });

  test('cluster first, then Argo CD, then the app; cleanup scripts and scripts called by others are not run', async () => {
    const plan = await planOf([
      file('p3/scripts/app.sh', 'kubectl apply -f confs/app.yaml\n'),
      file('p3/scripts/argocd.sh', 'kubectl create namespace argocd\nkubectl apply -n argocd -f confs/install.yaml\n'),
      file('p3/scripts/cluster.sh', 'k3d cluster create iot\nbash ./argocd_helpers.sh\n'),
      file('p3/scripts/argocd_helpers.sh', 'kubectl apply -f ../confs/ingress.yaml\n'),
      file('p3/scripts/clean.sh', 'k3d cluster delete iot\n'),
      file('p3/scripts/notes.sh', 'echo hello\n'),
      file('p3/confs/app.yaml', 'kind: Application\n'),
      file('p3/confs/install.yaml', 'kind: List\n'),
    ]);
    expect(plan.run.map((s) => s.path)).toEqual(['p3/scripts/cluster.sh', 'p3/scripts/argocd.sh', 'p3/scripts/app.sh']);
    expect(plan.run.map((s) => s.cwd)).toEqual(['p3/scripts', 'p3', 'p3']);
    expect(plan.skipped).toEqual(
      expect.arrayContaining([
        { path: 'p3/scripts/clean.sh', why: 'a cleanup script' },
        { path: 'p3/scripts/notes.sh', why: 'creates no cluster and applies nothing' },
        { path: 'p3/scripts/argocd_helpers.sh', why: 'called by p3/scripts/cluster.sh' },
      ]),
    );
  });

  test('an override runs exactly the named scripts, in order', async () => {
    const files = [file('p3/scripts/a.sh', 'k3d cluster create x\n'), file('p3/scripts/b.sh', 'echo\n')];
    const plan = await planOf(files, ['p3/scripts/b.sh', 'p3/scripts/a.sh']);
    expect(plan.run.map((s) => [s.path, s.why])).toEqual([
      ['p3/scripts/b.sh', 'named by the override variable; run from p3/scripts'],
      ['p3/scripts/a.sh', 'named by the override variable; run from p3/scripts'],
    ]);
    expect(plan.createsCluster).toBe(true);
  });

  test('no script at all: nothing to run', async () => {
    expect(await planOf([file('p3/confs/app.yaml', 'kind: Deployment\n')])).toEqual({
      run: [],
      skipped: [],
      createsCluster: false,
      clusters: [],
    });
  });

  test('working folder and cluster names', async () => {
    const known = new Set(['p3', 'p3/confs', 'p3/confs/a.yaml', 'p3/scripts', 'p3/scripts/s.sh']);
    expect(workingFolder(file('p3/scripts/s.sh', 'kubectl apply -f "$(dirname "$0")/../confs/a.yaml"'), known).cwd).toBe('p3/scripts');
    expect(workingFolder(file('p3/scripts/s.sh', 'kubectl apply -f ./confs/a.yaml'), known).cwd).toBe('p3');
    const plan = await planOf([
      file('p3/scripts/s.sh', 'k3d cluster create iot-wil -p "8888:8888@loadbalancer"\nk3d cluster create second'),
    ]);
    expect(plan.clusters).toEqual(['iot-wil', 'second']);
  });
});

describe('IOT_P3_SETUP / IOT_BONUS_SETUP (helpers/config/env.ts)', () => {
  test('comma-separated scripts inside the target, checked to exist', async () => {
    const { readConfig, ConfigError, PROJECT_ROOT } = await import('../config/env.ts');
    const repo = join(PROJECT_ROOT, 'suites/fixtures/passing');
    expect(readConfig({ IOT_REPO: repo, IOT_P3_SETUP: './p3/scripts/setup.sh, p3/scripts/install.sh' }).p3Setup).toEqual([
      'p3/scripts/setup.sh',
      'p3/scripts/install.sh',
    ]);
    expect(readConfig({ IOT_REPO: repo }).p3Setup).toBeUndefined();
    expect(() => readConfig({ IOT_REPO: repo, IOT_P3_SETUP: '../outside.sh' })).toThrow(ConfigError);
    expect(() => readConfig({ IOT_REPO: repo, IOT_BONUS_SETUP: 'bonus/scripts/none.sh' })).toThrow(
      `IOT_BONUS_SETUP=bonus/scripts/none.sh: bonus/scripts/none.sh does not exist in ${repo}`,
    );
  });
});
