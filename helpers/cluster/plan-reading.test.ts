// The boot plan reads scripts as the static checks do (helpers/shell): a command is what the shell would run,
// with variables expanded and functions run where they are called; a script named in a message, a comment
// or a heredoc's text is not run. Each case is a disagreement the plan had with the static checks.
import { describe, expect, test } from 'vitest';
import type { TargetFile } from '../target/repository.ts';
import { planOf } from './plan-testing.ts';

const file = (path: string, text: string): TargetFile => ({ path, size: text.length, text, part: 'p3' });
const plan = planOf;
const order = async (files: TargetFile[]) => (await plan(files)).run.map((s) => (s.program === 'make' ? `make ${s.target}` : s.path));

describe('the plan sees what the static checks see', () => {
  test('k3d named through a variable creates the cluster (static P3-K3D passes on it)', async () => {
    const files = [
      file('p3/scripts/argocd.sh', 'kubectl apply -n argocd -f ../confs/install.yaml\n'),
      file('p3/scripts/setup.sh', 'K3D=k3d\n"$K3D" cluster create iot\n'),
      file('p3/confs/install.yaml', 'kind: List\n'),
    ];
    expect((await plan(files)).createsCluster).toBe(true);
    expect(await order(files)).toEqual(['p3/scripts/setup.sh', 'p3/scripts/argocd.sh']);
  });

  test('a k3d cluster create inside a function that is never called creates nothing', async () => {
    const files = [
      file('p3/scripts/argocd.sh', 'create() {\n  k3d cluster create iot\n}\nkubectl apply -n argocd -f ../confs/install.yaml\n'),
      file('p3/confs/install.yaml', 'kind: List\n'),
    ];
    expect((await plan(files)).createsCluster).toBe(false);
  });

  test('a function that is called creates the cluster', async () => {
    const files = [file('p3/scripts/argocd.sh', 'create() {\n  k3d cluster create iot\n}\ncreate\nkubectl apply -f ../confs/a.yaml\n')];
    expect((await plan(files)).createsCluster).toBe(true);
  });

  test("a script named in a logging function's message is not called", async () => {
    const files = [
      file('p3/scripts/cluster.sh', 'k3d cluster create iot\n'),
      file('p3/scripts/gitlab.sh', 'info() { echo "[info] $*"; }\ninfo "run cluster.sh first"\nhelm install gitlab gitlab/gitlab\n'),
    ];
    expect(await order(files)).toEqual(['p3/scripts/cluster.sh', 'p3/scripts/gitlab.sh']);
  });

  test("a script named in a heredoc's text is not called", async () => {
    const files = [
      file('p3/scripts/cluster.sh', 'k3d cluster create iot\n'),
      file('p3/scripts/gitlab.sh', 'cat <<EOF\nNext:\n  bash cluster.sh\nEOF\nhelm install gitlab gitlab/gitlab\n'),
    ];
    expect(await order(files)).toEqual(['p3/scripts/cluster.sh', 'p3/scripts/gitlab.sh']);
  });

  test('an entry script that calls through a variable and sudo bash -c runs what it calls', async () => {
    const files = [
      file('p3/start.sh', 'DIR=scripts\nsudo bash -c "bash $DIR/cluster.sh"\n'),
      file('p3/scripts/cluster.sh', 'k3d cluster create iot\n'),
    ];
    const result = await plan(files);
    expect(result.run.map((s) => s.path)).toEqual(['p3/start.sh']);
    expect(result.createsCluster).toBe(true);
  });

  test('the cluster a variable names is the one the plan will delete at teardown', async () => {
    const files = [file('p3/scripts/setup.sh', 'NAME=iot-wil\nk3d cluster create "$NAME" --wait\n')];
    expect((await plan(files)).clusters).toEqual(['iot-wil']);
  });
});

describe('Makefile recipes are read as shell', () => {
  test('a recipe that only echoes a script name does not run it', async () => {
    const files = [
      file('p3/Makefile', 'info:\n\t@echo "make up runs scripts/setup.sh"\nup:\n\tbash scripts/setup.sh\n'),
      file('p3/scripts/setup.sh', 'k3d cluster create iot\n'),
    ];
    expect(await order(files)).toEqual(['make up']);
  });
});
