// More cases where the boot plan read scripts differently from the static checks (helpers/shell), next to
// those in boot-plan.test.ts; each was seen in a real repository or is the static checks' own rule.
import { describe, expect, test } from 'vitest';
import { p3File as file, planOf as plan } from './plan-testing.ts';

describe('the plan sees what the static checks see', () => {
  test('the cluster a variable names is the one the plan will delete at teardown', async () => {
    const files = [file('p3/scripts/setup.sh', 'NAME=iot-wil\nk3d cluster create "$NAME" --wait\n')];
    expect((await plan(files)).clusters).toEqual(['iot-wil']);
  });

  test('a k3d cluster create in a comment creates nothing', async () => {
    const files = [
      file('p3/scripts/provision.sh', '# k3d cluster create old -p "80:80@loadbalancer"\nhelm install gitlab gitlab/gitlab\n'),
    ];
    expect((await plan(files)).createsCluster).toBe(false);
  });

  test('a script only tested for (`[ -f x.sh ]`, chmod) is not called: it runs on its own', async () => {
    const files = [
      file('p3/scripts/setup.sh', '[ -f fix-cluster.sh ] || exit 1\nchmod +x fix-cluster.sh\nhelm install gitlab gitlab/gitlab\n'),
      file('p3/scripts/fix-cluster.sh', 'k3d cluster create iot\n'),
    ];
    expect((await plan(files)).run.map((s) => s.path)).toEqual(['p3/scripts/fix-cluster.sh', 'p3/scripts/setup.sh']);
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

  test('a foreground port-forward that ends the function the script ends by calling holds its port', async () => {
    const files = [
      file(
        'p3/scripts/up.sh',
        'main() {\n  k3d cluster create iot\n  kubectl port-forward svc/argocd-server -n argocd 8080:443\n}\nmain "$@"\necho done\n',
      ),
    ];
    expect((await plan(files)).run[0]!.holdsPort).toBe(8080);
  });
});
