import { describe, expect, it } from 'vitest';
import { makefileStep } from './makefile-steps.ts';
import { MAKEFILE_PART, tempRepository } from './testing.ts';

describe('makefileStep', () => {
  it('finds the recipe line of a step, skipping comments', async () => {
    const repo = await tempRepository(MAKEFILE_PART);
    expect(makefileStep(repo.ctx.target, 'p3', /(\bk3d|\$[({]\w+[)}])\s+cluster\s+create\b/)).toEqual({ file: 'p3/Makefile', line: 4 });
    expect(makefileStep(repo.ctx.target, 'p3', /helm\s+install/)).toBeUndefined();
  });

  it('finds nothing when the part has no Makefile', async () => {
    const repo = await tempRepository({ 'p3/scripts/install.sh': '#!/bin/bash\nk3d cluster create x\n' });
    expect(makefileStep(repo.ctx.target, 'p3', /k3d\s+cluster\s+create/)).toBeUndefined();
  });
});
