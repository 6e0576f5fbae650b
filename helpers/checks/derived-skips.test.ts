// Skips the grader derives from the declarations (parts.ts), not from check bodies: every check of a missing
// part skips naming G-LAYOUT (the bonus, optional, says it is absent), and a check whose need failed skips
// naming that need with its cause.
import { describe, expect, test } from 'vitest';
import { STATIC_IDS_OF_PART } from '../catalog/checks.ts';
import { tempRepository } from '../shell/testing.ts';
import { runCheck } from './grade.ts';

async function grade(ids: readonly string[], files: Record<string, string>) {
  const { ctx } = await tempRepository(files);
  return Promise.all(ids.map((id) => runCheck(ctx, id)));
}

describe('a missing part', () => {
  test.each(['p1', 'p2', 'p3'] as const)('every check of %s skips naming G-LAYOUT', async (part) => {
    const results = await grade(STATIC_IDS_OF_PART[part], { 'README.md': '# only a README\n' });
    for (const result of results)
      expect(result).toMatchObject({ status: 'skip', message: `skipped: G-LAYOUT failed (part ${part} is missing)` });
  });

  test('every bonus check says the bonus is absent, without naming a failure', async () => {
    const results = await grade(STATIC_IDS_OF_PART.bonus, { 'p3/scripts/setup.sh': '#!/bin/bash\necho\n' });
    for (const result of results) expect(result).toMatchObject({ status: 'skip', message: 'skipped: the target has no bonus part' });
  });

  test('G-LAYOUT itself fails, naming the part', async () => {
    const [layout] = await grade(['G-LAYOUT'], { 'p1/Vagrantfile': 'Vagrant.configure("2") { |c| }\n' });
    expect(layout).toMatchObject({ status: 'fail', message: expect.stringContaining('p2') });
  });
});

describe('a failed need', () => {
  test("Part 1's provisioning checks skip naming P1-VAGRANTFILE and its cause when the Vagrantfile does not evaluate", {
    timeout: 30_000,
  }, async () => {
    const [vagrantfile, ...provisioning] = await grade(['P1-VAGRANTFILE', 'P1-K3S-SERVER', 'P1-K3S-AGENT', 'P1-NODE-IP'], {
      'p1/Vagrantfile': 'Vagrant.configure("2") do |config|\n',
    });
    expect(vagrantfile?.status).toBe('fail');
    for (const result of provisioning)
      expect(result).toMatchObject({ status: 'skip', message: 'skipped: P1-VAGRANTFILE failed (p1/Vagrantfile does not evaluate)' });
  });

  test("P2-K3S-SERVER passes on P2-VAGRANTFILE's skip when the part has no Vagrantfile", async () => {
    const [vagrantfile, server] = await grade(['P2-VAGRANTFILE', 'P2-K3S-SERVER'], {
      'p2/confs/apps.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n',
    });
    expect(vagrantfile).toMatchObject({
      status: 'skip',
      message: expect.stringMatching(/^skipped: G-LAYOUT failed \(.*Vagrantfile is missing\)$/),
    });
    expect(server).toMatchObject({ status: 'skip', message: vagrantfile?.message });
  });
});
