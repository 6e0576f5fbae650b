// An unreadable file fails the check that needs it, naming the file and the fix. Root reads any
// file whatever its mode, so the grader runs here as an unprivileged user (setpriv).
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { materialize, removeMaterialized } from './fixtures.ts';

const built: string[] = [];
afterAll(() => Promise.all(built.map(removeMaterialized)));

test('an unreadable script fails G-SHELL-SYNTAX, naming the file and how to fix it', async () => {
  const dir = await materialize('passing');
  built.push(dir);
  chmodSync(join(dir, 'p3/scripts/setup.sh'), 0o000);
  chmodSync(dir, 0o755);
  const probe = `import { gradeStatic } from ${JSON.stringify(join(PROJECT_ROOT, 'helpers/checks/grade.ts'))};
    import { readConfig } from ${JSON.stringify(join(PROJECT_ROOT, 'helpers/config/env.ts'))};
    const results = await gradeStatic(readConfig({ IOT_REPO: ${JSON.stringify(dir)}, IOT_DATE: '2026-11-26' }));
    console.log(JSON.stringify(results.filter((r) => r.status === 'fail')));`;
  const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const node = [process.execPath, '--liftoff-only', '--no-warnings', '--input-type=module', '-e', probe];
  const command = [...asNobody, ...node];
  const run = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', cwd: '/', env: { PATH: process.env.PATH, HOME: '/tmp' } });
  expect(run.stderr).toBe('');
  const failures = JSON.parse(run.stdout) as Array<{ id: string; message: string; fix?: string }>;
  const syntax = failures.find((failure) => failure.id === 'G-SHELL-SYNTAX');
  expect(syntax?.message).toContain('p3/scripts/setup.sh cannot be read (EACCES)');
  expect(`${syntax?.message} ${syntax?.fix}`).toContain('chmod a+r');
}, 60_000);
