// A check chooses its fix by the kind of problem a fact carries, never by the fact's wording: how a provisioner's
// script is absent (P1-K3S-SERVER), a malformed arithmetic expression (G-SHELL-SYNTAX), a label key of the wrong
// form (P2-MANIFESTS).
import { mkdir, symlink } from 'node:fs/promises';
import { expect, it, vi } from 'vitest';
import { machine, shellProvisioner, tempRepository } from '../shell/testing.ts';
import { GradingContext } from '../target/grading-context.ts';
import { openTarget } from '../target/repository.ts';
import type { VagrantEvaluation, VagrantMachine, VagrantProvisioner } from '../vagrantfile/model.ts';

const state = vi.hoisted(() => ({
  roles: undefined as { server: VagrantMachine } | undefined,
  evaluation: undefined as VagrantEvaluation | undefined,
}));
vi.mock('./machines.ts', () => ({ partOneRoles: async () => state.roles }));
vi.mock('../vagrantfile/evaluate.ts', () => ({ vagrantEvaluation: async () => state.evaluation }));

const { provisioningChecks } = await import('./provisioning.ts');
const { ingressChecks } = await import('./ingress.ts');

const MISSING_FIX = "make each provisioner's path: name a committed script exactly";
const OUTSIDE_FIX =
  "commit every script a provisioner runs in the part's scripts/ folder and name it in path: (the grader fetches nothing)";

/** P1-K3S-SERVER for a server whose one provisioner is `provisioner`; `link` makes p1/scripts/server.sh a symbolic link to it. */
async function serverCheck(provisioner: VagrantProvisioner, link?: string) {
  const repository = await tempRepository({ 'p1/Vagrantfile': '# evaluated by hand\n' });
  const root = repository.ctx.config.repo;
  if (link) {
    await mkdir(`${root}/p1/scripts`, { recursive: true });
    await symlink(link, `${root}/p1/scripts/server.sh`);
  }
  const ctx = new GradingContext(repository.ctx.config, await openTarget(root));
  const server = machine('wilS', '192.168.56.110', [provisioner]);
  state.roles = { server };
  state.evaluation = { ok: true, file: 'p1/Vagrantfile', config: { machines: [server], notes: [] } };
  return provisioningChecks['P1-K3S-SERVER']!(ctx);
}

const committed = shellProvisioner({ line: 5, path: 'scripts/server.sh', resolvedPath: 'p1/scripts/server.sh' });

it.each([
  ['a path: naming no committed file', committed, undefined, MISSING_FIX, /runs p1\/scripts\/server\.sh, which does not exist/],
  ['a symbolic link to nothing', committed, 'gone.sh', MISSING_FIX, /symbolic link to .*gone\.sh, which does not exist/],
  [
    'a path: outside the repository',
    shellProvisioner({ line: 5, path: '../../elsewhere.sh' }),
    undefined,
    OUTSIDE_FIX,
    /elsewhere\.sh, which is outside the repository/,
  ],
  [
    'a symbolic link out of the repository',
    committed,
    '/etc/hostname',
    OUTSIDE_FIX,
    /symbolic link to \/etc\/hostname, outside the repository/,
  ],
  [
    'a URL of no known installer',
    shellProvisioner({ line: 5, path: 'https://example.com/setup.sh' }),
    undefined,
    OUTSIDE_FIX,
    /a script outside the repository that the grader does not fetch/,
  ],
])('%s fails with its fix', async (_, provisioner, link, fix, message) => {
  const result = await serverCheck(provisioner, link);
  expect(result.status, result.message).toBe('fail');
  expect(result.message).toMatch(message);
  expect(result.fix).toContain(fix);
  expect(result.fix).not.toContain(fix === MISSING_FIX ? OUTSIDE_FIX : MISSING_FIX);
});

it('a committed script that is not text skips on G-SHELL-SYNTAX, naming its problem', async () => {
  const repository = await tempRepository({
    'p1/Vagrantfile': '#\n',
    'p1/scripts/server.sh': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
  });
  const server = machine('wilS', '192.168.56.110', [committed]);
  state.roles = { server };
  state.evaluation = { ok: true, file: 'p1/Vagrantfile', config: { machines: [server], notes: [] } };
  const result = await provisioningChecks['P1-K3S-SERVER']!(repository.ctx);
  expect(result).toMatchObject({
    status: 'skip',
    message: expect.stringMatching(/^skipped: G-SHELL-SYNTAX failed \(p1\/scripts\/server\.sh is a binary file/),
  });
});

it('a malformed arithmetic expression gets the fix that says bash -n does not see it', async () => {
  const arithmetic = 'fix the arithmetic expression at the line named: `bash -n` does not look inside $((…)) and ((…))';
  const syntax = 'fix the syntax at the line named';
  const arithmeticOnly = await tempRepository({ 'p3/scripts/a.sh': '#!/bin/bash\necho $(( 1 + ))\n' });
  const onlyArithmetic = await provisioningChecks['G-SHELL-SYNTAX']!(arithmeticOnly.ctx);
  expect(onlyArithmetic.status).toBe('fail');
  expect(onlyArithmetic.fix).toContain(arithmetic);
  expect(onlyArithmetic.fix).not.toContain(syntax);
  const syntaxOnly = await tempRepository({ 'p3/scripts/a.sh': '#!/bin/bash\nif true; then\n' });
  const onlySyntax = await provisioningChecks['G-SHELL-SYNTAX']!(syntaxOnly.ctx);
  expect(onlySyntax.fix).toContain(syntax);
  expect(onlySyntax.fix).not.toContain(arithmetic);
});

it('a label key of the wrong form gets the fix that shows the form of a key; a bad label value does not', async () => {
  const keyFix = 'write a label or annotation key as name or prefix/name';
  const configMap = (labels: string) => ({
    'p2/confs/app.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    ${labels}\n`,
  });
  const withBadKey = await tempRepository(configMap('"bad key": x'));
  const badKey = await ingressChecks['P2-MANIFESTS']!(withBadKey.ctx);
  expect(badKey.status, badKey.message).toBe('fail');
  expect(badKey.fix).toContain(keyFix);
  const withBadValue = await tempRepository(configMap(`long: ${'x'.repeat(64)}`));
  const badValue = await ingressChecks['P2-MANIFESTS']!(withBadValue.ctx);
  expect(badValue.status, badValue.message).toBe('fail');
  expect(badValue.fix).not.toContain(keyFix);
});
