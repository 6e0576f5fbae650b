// Regression tests for the boot plan, each a minimal synthetic reproduction of a layout seen in real
// student repositories: entry scripts that run others, Makefiles, scripts that take a verb, scripts that end
// in a foreground port-forward, and relative paths that decide the working folder.
import { describe, expect, test } from 'vitest';
import type { TargetFile } from '../target/repository.ts';
import { parseMakefile, recipeOf } from '../shell/makefile.ts';
import { planOf } from './plan-testing.ts';
import { bootArgument, codeLines } from './setup-scripts.ts';

const file = (path: string, text: string): TargetFile => ({ path, size: text.length, text, part: 'p3' });
const steps = async (files: TargetFile[]) =>
  (await planOf(files)).run.map((s) => [s.program === 'make' ? `make ${s.target}` : s.path, s.cwd, ...s.args]);

describe('entry scripts and working folders', () => {
  test('a script that only runs the part scripts is the entry point, from the folder its ./scripts/ paths resolve in', async () => {
    const files = [
      file('p3/scripts/deploy.sh', 'sudo bash ./scripts/install_tools.sh\nsudo bash ./scripts/launch_cluster.sh\n'),
      file('p3/scripts/install_tools.sh', 'apt-get install -y curl\n'),
      file('p3/scripts/launch_cluster.sh', 'k3d cluster create x\nkubectl apply -f ./confs/app.yaml\n'),
      file('p3/confs/app.yaml', 'kind: Application\n'),
    ];
    expect(await steps(files)).toEqual([['p3/scripts/deploy.sh', 'p3']]);
    expect((await planOf(files)).skipped).toContainEqual({
      path: 'p3/scripts/launch_cluster.sh',
      why: 'called by p3/scripts/deploy.sh',
    });
    expect((await planOf(files)).createsCluster).toBe(true);
  });

  test('a script named only in a comment or a message is not "called"', async () => {
    const files = [
      file('p3/scripts/setup.sh', 'k3d cluster create x\nkubectl apply -f ../confs/a.yaml\n'),
      file('p3/scripts/gitlab-setup.sh', '# Run after setup.sh\necho "run setup.sh first"\nhelm install gitlab gitlab/gitlab\n'),
      file('p3/confs/a.yaml', 'kind: Application\n'),
    ];
    expect(await steps(files)).toEqual([
      ['p3/scripts/setup.sh', 'p3/scripts'],
      ['p3/scripts/gitlab-setup.sh', 'p3/scripts'],
    ]);
  });

  test('pushd ./confs and paths from the target root choose the folder where they exist', async () => {
    const files = [
      file('p3/scripts/server.sh', 'CONFS="${CONFS:-"./confs"}"\npushd $CONFS\nk3d cluster create -c ./cluster.yaml\n'),
      file('p3/confs/cluster.yaml', 'kind: Simple\n'),
      file('p3/other/apply.sh', 'kubectl apply -f p3/confs/cluster.yaml\n'),
    ];
    expect(await steps(files)).toEqual([
      ['p3/scripts/server.sh', 'p3'],
      ['p3/other/apply.sh', '.'],
    ]);
  });

  test('two scripts creating the same named cluster are alternatives: the one that does not install tools runs', async () => {
    const files = [
      file('p3/scripts/1.sh', 'k3d cluster create mm\nkubectl apply -f ../confs/a.yaml\n'),
      file('p3/scripts/run.sh', 'sudo apt-get install -y docker-ce\nk3d cluster create mm\nkubectl apply -f ../confs/a.yaml\n'),
    ];
    expect(await steps(files)).toEqual([['p3/scripts/1.sh', 'p3/scripts']]);
    expect((await planOf(files)).skipped).toContainEqual({
      path: 'p3/scripts/run.sh',
      why: 'creates the same cluster as p3/scripts/1.sh',
    });
  });

  test('within a rank, the script that installs comes before the one that configures', async () => {
    const files = [
      file('p3/scripts/configure_argocd.sh', 'kubectl apply -f x.yaml\n'),
      file('p3/scripts/install_argocd.sh', 'kubectl apply -n argocd -f https://x/install.yaml\n'),
    ];
    expect((await steps(files)).map((s) => s[0])).toEqual(['p3/scripts/install_argocd.sh', 'p3/scripts/configure_argocd.sh']);
  });
});

describe('scripts that never return, and scripts that take a verb', () => {
  test('a trailing foreground kubectl port-forward is recognised, also through the script that ends by calling it', async () => {
    const holds = async (text: string, others: TargetFile[] = []) => (await planOf([file('p3/s.sh', text), ...others])).run[0]?.holdsPort;
    expect(
      await holds('k3d cluster create x\nkubectl port-forward --address 0.0.0.0 svc/argocd-server -n argocd 8080:443\n# open the UI\n'),
    ).toBe(8080);
    expect(await holds('k3d cluster create x\nkubectl port-forward svc/app -n dev 8888:8888 >/dev/null 2>&1 &\n')).toBeUndefined();
    expect(await holds('k3d cluster create x\nkubectl port-forward svc/app 8888:8888 & disown\n')).toBeUndefined();
    const init = file('p3/scripts/init.sh', 'k3d cluster create x\nsudo kubectl port-forward -n argocd svc/argocd-server 8080:443\n');
    expect(await holds('./scripts/init.sh\n', [init])).toBe(8080);
    expect(await steps([init])).toEqual([['p3/scripts/init.sh', 'p3/scripts']]);
    expect((await planOf([init])).run[0]!.holdsPort).toBe(8080);
  });

  test('a script dispatching on $1 is given its boot verb', async () => {
    expect(bootArgument('case $1 in\n  "run")\n    run ;;\n  "stop")\n    stop ;;\nesac\n')).toBe('run');
    expect(bootArgument('case "$1" in\n  up|start) up ;;\n  clean) clean ;;\nesac\n')).toBe('up');
    expect(bootArgument('case $2 in\n  run) x ;;\nesac\n')).toBeUndefined();
    expect(
      await steps([file('p3/everything.sh', 'case $1 in\n"run") k3d cluster create x ;;\n"clean") k3d cluster delete x ;;\nesac\n')]),
    ).toEqual([['p3/everything.sh', 'p3', 'run']]);
  });

  test('codeLines drops comments and messages', async () => {
    expect(codeLines('# a\necho "bash x.sh"\nbash y.sh # run y\n')).toEqual(['bash y.sh']);
  });
});

describe('Makefiles at the part root', () => {
  const scripts = [
    file('p3/scripts/setup.sh', 'apt-get install -y docker.io\n'),
    file('p3/scripts/launch_k3d.sh', 'k3d cluster create x\n'),
    file('p3/scripts/argocd.sh', 'kubectl apply -n argocd -f ./confs/install.yaml\nkubectl port-forward svc/app -n dev 8888:8888\n'),
    file('p3/scripts/clean.sh', 'k3d cluster delete x\n'),
  ];

  test('the default target runs when it reaches the part scripts; scripts run in recipe order', async () => {
    const makefile = file(
      'p3/Makefile',
      'all: banner up\n\nbanner:\n\t@echo hi\n\nup:\n\t@sudo ./scripts/setup.sh && ./scripts/launch_k3d.sh && ./scripts/argocd.sh\n\nre: fclean all\nfclean:\n\t./scripts/clean.sh\n',
    );
    const plan = await planOf([makefile, ...scripts]);
    expect(plan.run).toEqual([
      {
        path: 'p3/Makefile',
        cwd: 'p3',
        why: 'its default target "all" runs the part\'s scripts',
        program: 'make',
        target: 'all',
        args: ['all'],
        scripts: ['p3/scripts/setup.sh', 'p3/scripts/launch_k3d.sh', 'p3/scripts/argocd.sh'],
        holdsPort: 8888,
      },
    ]);
    expect(plan.createsCluster).toBe(true);
    expect(plan.skipped).toContainEqual({ path: 'p3/scripts/clean.sh', why: 'a cleanup script' });
  });

  test('a help default target is passed over for the target that runs the most scripts, never a cleanup one', async () => {
    const makefile = file(
      'p3/makefile',
      'all: help\nhelp:\n\t@echo "make all-in-one"\ncluster:\n\tbash scripts/launch_k3d.sh\nall-in-one: cluster argo\nargo:\n\tbash scripts/argocd.sh\nre: destroy all-in-one\ndestroy:\n\tk3d cluster delete x\n',
    );
    expect(await steps([makefile, ...scripts])).toEqual([['make all-in-one', 'p3', 'all-in-one']]);
  });

  test('a Makefile that runs none of the part scripts is ignored', async () => {
    expect(await steps([file('p3/Makefile', 'all:\n\tvagrant up\n'), scripts[1]!])).toEqual([['p3/scripts/launch_k3d.sh', 'p3/scripts']]);
  });

  test('parsing: continuation lines, repeated targets (a later recipe replaces the earlier one), the default target', async () => {
    const parsed = parseMakefile(
      '.PHONY: all\nNAME = x\nall up: b\n\techo \\\n  one\nb:\n\techo b\nall: c\nc:\n\techo c\nup:\n\techo two\n',
    );
    expect(parsed.defaultTarget).toBe('all');
    expect(recipeOf(parsed, 'all')).toEqual(['echo b', 'echo c', 'echo    one']);
    expect(recipeOf(parsed, 'up')).toEqual(['echo b', 'echo two']);
  });
});

// The plan and the static checks read a script the same way (helpers/shell): what a script runs is what its
// commands run once variables, functions that are called, sourced files and sudo/bash -c wrappers are
// followed; a comment, a message or a heredoc's text runs nothing.
describe('the plan reads scripts as the static checks do', () => {
  const plan = planOf;

  test('a cluster created through a variable holding k3d creates the cluster (P3-K3D passes on it)', async () => {
    const result = await plan([
      file('p3/scripts/argocd.sh', 'kubectl apply -n argocd -f https://x/install.yaml\n'),
      file('p3/scripts/cluster.sh', 'K3D=k3d\nNAME=iot\n"$K3D" cluster create "$NAME"\n'),
    ]);
    expect(result.run.map((s) => s.path)).toEqual(['p3/scripts/cluster.sh', 'p3/scripts/argocd.sh']);
    expect(result.createsCluster).toBe(true);
  });

  test('a cluster created behind sudo bash -c, or in a function the script calls, creates the cluster', async () => {
    const wrapped = await plan([file('p3/scripts/up.sh', 'sudo bash -c "k3d cluster create iot"\n')]);
    expect(wrapped.createsCluster).toBe(true);
    const called = await plan([file('p3/scripts/up.sh', 'create() {\n  k3d cluster create iot\n}\nmain() { create; }\nmain "$@"\n')]);
    expect(called.run.map((s) => s.path)).toEqual(['p3/scripts/up.sh']);
    expect(called.createsCluster).toBe(true);
  });

  test('a k3d cluster create in a function never called creates nothing (P3-K3D does not see it either)', async () => {
    const result = await plan([
      file('p3/scripts/old.sh', 'create_cluster() {\n  k3d cluster create old\n}\necho "kept for reference"\n'),
      file('p3/scripts/setup.sh', 'k3d cluster create iot\n'),
    ]);
    expect(result.run.map((s) => s.path)).toEqual(['p3/scripts/setup.sh']);
    expect(result.skipped).toContainEqual({ path: 'p3/scripts/old.sh', why: 'creates no cluster and applies nothing' });
  });

  test('a cluster created by functions of a sourced file, called by the script, is the script creating it', async () => {
    const result = await plan([
      file('p3/scripts/lib.sh', 'create_cluster() {\n  k3d cluster create iot\n}\n'),
      file('p3/scripts/setup.sh', 'source "$(dirname "$0")/lib.sh"\ncreate_cluster\n'),
    ]);
    expect(result.run.map((s) => s.path)).toEqual(['p3/scripts/setup.sh']);
    expect(result.createsCluster).toBe(true);
  });

  test('a script named in a message, a heredoc or a message function is not called', async () => {
    const result = await plan([
      file(
        'p3/scripts/cluster.sh',
        'info() { printf "%s\\n" "$1"; }\nk3d cluster create iot\n[ -n "$QUIET" ] || echo "next: bash ./argocd.sh"\ninfo "then run ./argocd.sh"\ncat <<EOF\nThen run ./argocd.sh\nEOF\n',
      ),
      file('p3/scripts/argocd.sh', 'kubectl create namespace argocd\n'),
    ]);
    expect(result.run.map((s) => s.path)).toEqual(['p3/scripts/cluster.sh', 'p3/scripts/argocd.sh']);
  });

  test('kubectl with options before its verb applies something', async () => {
    const result = await plan([file('p3/scripts/argocd.sh', 'kubectl -n argocd apply -f https://x/install.yaml\n')]);
    expect(result.run.map((s) => s.path)).toEqual(['p3/scripts/argocd.sh']);
  });
});

describe('the plan reads Makefile recipes as shell', () => {
  const plan = planOf;
  const scripts = [
    file('p3/scripts/launch_k3d.sh', 'k3d cluster create x\n'),
    file('p3/scripts/argocd.sh', 'kubectl apply -n argocd -f ./confs/install.yaml\n'),
  ];

  test('a recipe that only echoes a script name does not run it', async () => {
    const makefile = file(
      'p3/Makefile',
      'all:\n\t@echo "run ./scripts/argocd.sh after make cluster"\ncluster:\n\tbash scripts/launch_k3d.sh\n',
    );
    const result = await plan([makefile, ...scripts]);
    expect(result.run.map((s) => [s.target, s.scripts])).toEqual([['cluster', ['p3/scripts/launch_k3d.sh']]]);
  });

  test('make variables and a cd before the script are followed', async () => {
    const makefile = file(
      'p3/Makefile',
      'SCRIPTS := scripts\nup:\n\tbash $(SCRIPTS)/launch_k3d.sh\n\tcd scripts && ./argocd.sh\nclean:\n\tk3d cluster delete x\n',
    );
    const result = await plan([makefile, ...scripts]);
    expect(result.run.map((s) => [s.target, s.scripts])).toEqual([['up', ['p3/scripts/launch_k3d.sh', 'p3/scripts/argocd.sh']]]);
    expect(result.createsCluster).toBe(true);
  });

  test('a recipe creating the cluster itself, through a make variable, makes its target the boot step', async () => {
    const makefile = file('p3/Makefile', 'K3D = k3d\nall: cluster\ncluster:\n\t$(K3D) cluster create iot\n\t./scripts/argocd.sh\n');
    const result = await plan([makefile, scripts[1]!]);
    expect(result.run.map((s) => [s.target, s.scripts])).toEqual([['all', ['p3/scripts/argocd.sh']]]);
    expect(result.createsCluster).toBe(true);
  });
});
