// A shell provisioner whose path: names a script that is not committed (here: wrong case) is
// reported as such by the K3s install checks, graded on the failing fixture that shows it.
import { afterAll, describe, expect, it } from 'vitest';
import { GradingContext } from '../target/grading-context.ts';
import { materialize, removeMaterialized } from './fixtures.ts';
import { provisioningChecks } from './provisioning.ts';
import { readConfig } from '../config/env.ts';
import { openTarget } from '../target/repository.ts';

const built: string[] = [];
afterAll(async () => Promise.all(built.map(removeMaterialized)));

async function contextOf(fixture: string): Promise<GradingContext> {
  const dir = await materialize(fixture);
  built.push(dir);
  const config = readConfig({ IOT_REPO: dir, IOT_DATE: '2026-11-26' });
  return new GradingContext(config, await openTarget(dir));
}

describe('a provisioner path: naming a missing script', () => {
  it('says the provisioner runs a script that does not exist, and names the committed one differing by case', async () => {
    const ctx = await contextOf('failing/P1-K3S-SERVER--missing-script');
    const result = await provisioningChecks['P1-K3S-SERVER']!(ctx);
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'the shell provisioner at p1/Vagrantfile:16 runs p1/Scripts/server.sh, which does not exist (p1/scripts/server.sh exists: names are case-sensitive on Linux), so the grader finds no K3s install for wilS',
    );
    expect(result.message).not.toMatch(/no shell provisioner|yet|path:$/);
    expect(result.fix).toMatch(/^make each provisioner's path: name a committed script exactly/);
    expect(result.locations).toEqual([{ file: 'p1/Vagrantfile', line: 16 }]);
    // The worker's script is where it should be: its check still passes; the node IP check skips naming the server check.
    expect((await provisioningChecks['P1-K3S-AGENT']!(ctx)).status).toBe('pass');
    expect((await provisioningChecks['P1-NODE-IP']!(ctx)).message).toMatch(/^skipped: P1-K3S-SERVER failed/);
  });
});
