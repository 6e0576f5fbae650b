// Steps that only a Makefile runs: the checks still fail, and point at the recipe line that runs the step.
import { describe, expect, it } from 'vitest';
import { MAKEFILE_PART, tempRepository } from '../shell/testing.ts';
import { gitopsChecks } from './gitops.ts';
import { provisioningChecks } from './provisioning.ts';

describe('failures of steps that only a Makefile runs', () => {
  it('still fail, and point at the Makefile recipe line', async () => {
    const repo = await tempRepository(MAKEFILE_PART);
    const k3d = await provisioningChecks['P3-K3D']!(repo.ctx);
    expect(k3d.status).toBe('fail');
    expect(k3d.message).toContain('p3/Makefile:4 runs `k3d cluster create`');
    const namespaces = await gitopsChecks['P3-NAMESPACES']!(repo.ctx);
    expect(namespaces.status).toBe('fail');
    expect(namespaces.message).toContain('p3/Makefile:6 runs `kubectl create namespace`');
    expect(namespaces.message).toContain('p3/Makefile:7 runs `kubectl create namespace`');
    const install = await gitopsChecks['P3-ARGOCD-INSTALL']!(repo.ctx);
    expect(install.status).toBe('fail');
    expect(install.message).toContain('p3/Makefile:9 runs the Argo CD install');
  });

  it('point each missing namespace at its own line, or at a line creating a namespace held in a variable', async () => {
    const repo = await tempRepository({
      ...MAKEFILE_PART,
      'p3/Makefile': 'ns:\n\tkubectl create namespace $(ARGO)\n\tkubectl create namespace dev\n',
    });
    const namespaces = await gitopsChecks['P3-NAMESPACES']!(repo.ctx);
    expect(namespaces.message).toMatch(/namespace argocd is never created[^;]*p3\/Makefile:2 runs/);
    expect(namespaces.message).toMatch(/namespace dev is never created[^;]*p3\/Makefile:3 runs/);
  });

  it('say nothing of a Makefile that does not run the step', async () => {
    const repo = await tempRepository({ ...MAKEFILE_PART, 'p3/Makefile': 'all:\n\t./scripts/install.sh\n' });
    const k3d = await provisioningChecks['P3-K3D']!(repo.ctx);
    expect(k3d.status).toBe('fail');
    expect(k3d.message).not.toContain('Makefile');
  });
});
