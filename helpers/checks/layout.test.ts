// G-LAYOUT on small repositories: what is missing, and a hint when only the case of a name is wrong.
import { afterAll, describe, expect, test } from 'vitest';
import { contextWith, removeRepos } from '../manifests/test-repo.ts';
import { caseVariantsOf } from '../target/case-variants.ts';
import { layoutChecks } from './layout.ts';

afterAll(removeRepos);

const VAGRANT = 'Vagrant.configure("2") do |config|\nend\n';

describe('G-LAYOUT', () => {
  test('parts in upper-case folders are missing, and the message names the folder to rename', async () => {
    const ctx = await contextWith({
      'P1/Vagrantfile': VAGRANT,
      'P2/Vagrantfile': VAGRANT,
      'p3/scripts/a.sh': 'echo\n',
      'p3/confs/a.yaml': 'a: 1\n',
    });
    const result = await layoutChecks['G-LAYOUT']!(ctx);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('part p1 is missing: nothing under p1/ (P1/ exists: names are case-sensitive, rename it p1/)');
    expect(result.message).toContain('(P2/ exists');
    expect(result.message).not.toContain('p3/');
  });

  test('a lower-case vagrantfile and a Scripts folder are named as case variants', async () => {
    const ctx = await contextWith({
      'p1/vagrantfile': VAGRANT,
      'p2/Vagrantfile': VAGRANT,
      'p3/Scripts/a.sh': 'echo\n',
      'p3/confs/a.yaml': 'a: 1\n',
    });
    const result = await layoutChecks['G-LAYOUT']!(ctx);
    expect(result.message).toContain(
      'p1/Vagrantfile does not exist (p1/vagrantfile exists: names are case-sensitive, rename it p1/Vagrantfile)',
    );
    expect(result.message).toContain('p3/scripts/ does not exist (or holds no file: git keeps no empty folder) (p3/Scripts/ exists');
  });

  test('a missing part with no variant gets no hint; a file is not a folder variant', async () => {
    const ctx = await contextWith({
      P1: 'not a folder\n',
      'p2/Vagrantfile': VAGRANT,
      'p3/scripts/a.sh': 'echo\n',
      'p3/confs/a.yaml': 'a: 1\n',
    });
    expect(caseVariantsOf(ctx.target, 'p1', true)).toEqual([]);
    const result = await layoutChecks['G-LAYOUT']!(ctx);
    expect(result.message).toMatch(/^part p1 is missing: nothing under p1\/(;|$)/);
  });
});
