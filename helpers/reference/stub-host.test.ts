import { afterEach, expect, test } from 'vitest';
import { StubHost } from './stub-host.ts';

let host: StubHost | undefined;
afterEach(async () => {
  await host?.dispose();
  host = undefined;
});

test('a stub records its arguments and does what its body says', async () => {
  host = await StubHost.create({ k3d: 'echo "k3d $1"; exit 3' });
  const run = await host.runSource('k3d cluster "get it"; echo "rc=$?"');
  expect(run.stdout).toBe('k3d cluster\nrc=3\n');
  expect(await host.calls()).toEqual([['k3d', 'cluster', 'get it']]);
});

test('host tools without a stub are absent, other commands are the system ones', async () => {
  host = await StubHost.create({}, ['jq']);
  const run = await host.runSource(
    'for t in docker kubectl sudo jq grep; do command -v "$t" >/dev/null && echo "$t here" || echo "$t absent"; done',
  );
  expect(run.stdout).toBe('docker absent\nkubectl absent\nsudo absent\njq absent\ngrep here\n');
});
