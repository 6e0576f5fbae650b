// The live suites boot parts that share 192.168.56.110 and host ports 8888/8443: vitest must run them one file at
// a time, however many workers the other test files get (vitest.config.ts, project "live").
import { join } from 'node:path';
import { createVitest } from 'vitest/node';
import { expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';

test('every suites/*/live.test.ts runs in a project limited to one worker, even when the run asks for 4', async () => {
  const vitest = await createVitest('test', { config: join(PROJECT_ROOT, 'vitest.config.ts'), watch: false, maxWorkers: 4, reporters: [] });
  try {
    const specs = await vitest.globTestSpecifications();
    const live = specs.filter((spec) => /suites\/[^/]+\/live\.test\.ts$/.test(spec.moduleId));
    expect(live.map((spec) => spec.moduleId.split('/').slice(-2).join('/')).sort()).toEqual([
      'bonus/live.test.ts',
      'p1/live.test.ts',
      'p2/live.test.ts',
      'p3/live.test.ts',
    ]);
    for (const spec of live) expect({ file: spec.moduleId, maxWorkers: spec.project.config.maxWorkers }).toMatchObject({ maxWorkers: 1 });
    const others = specs.filter((spec) => !live.includes(spec));
    expect(others.some((spec) => spec.project.config.maxWorkers === 4)).toBe(true);
  } finally {
    await vitest.close();
  }
});
