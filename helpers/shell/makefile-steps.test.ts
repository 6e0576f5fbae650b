import { afterEach, describe, expect, it } from 'vitest';
import { makefileStep } from './makefile-steps.ts';
import { tempRepository, type TempRepository } from './testing.ts';

// A part that boots from its Makefile: the steps sit in make recipes, the scripts only install tools.
const MAKEFILE_PART = {
  'p3/Makefile': [
    'NAME = iot',
    '# k3d cluster create in a comment does not count',
    'cluster:',
    '\t$(K3D) cluster create $(NAME) -p "8888:8888@loadbalancer"',
    'namespaces:',
    '\tkubectl create namespace argocd',
    '\tkubectl create namespace dev',
    'argocd:',
    '\tkubectl apply -n argocd -f https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/manifests/install.yaml',
    '',
  ].join('\n'),
  'p3/scripts/install.sh': '#!/bin/bash\ncurl -fsSL https://get.docker.com | sh\n',
  'p3/confs/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
};

let repo: TempRepository | undefined;
afterEach(async () => {
  await repo?.dispose();
  repo = undefined;
});

describe('makefileStep', () => {
  it('finds the recipe line of a step, skipping comments', async () => {
    repo = await tempRepository(MAKEFILE_PART);
    expect(makefileStep(repo.ctx.target, 'p3', /(\bk3d|\$[({]\w+[)}])\s+cluster\s+create\b/)).toEqual({ file: 'p3/Makefile', line: 4 });
    expect(makefileStep(repo.ctx.target, 'p3', /helm\s+install/)).toBeUndefined();
  });

  it('finds nothing when the part has no Makefile', async () => {
    repo = await tempRepository({ 'p3/scripts/install.sh': '#!/bin/bash\nk3d cluster create x\n' });
    expect(makefileStep(repo.ctx.target, 'p3', /k3d\s+cluster\s+create/)).toBeUndefined();
  });
});
