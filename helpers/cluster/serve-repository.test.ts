// The nightly's stand-in for a GitHub repository: a real process serving manifests/p3/app as app/, cloned with git.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { ZxRunner } from './command-runner.ts';

test('serve-repository.ts serves a folder as app/ of a git repository, on HEAD, until SIGTERM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'iot-serve-test-'));
  const child = spawn(
    process.execPath,
    [
      '--no-warnings',
      join(PROJECT_ROOT, 'helpers/cluster/serve-repository.ts'),
      'manifests/p3/app',
      'app',
      '--port',
      '0',
      '--public-host',
      '127.0.0.1',
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith('serving ')) resolve(line.slice('serving '.length));
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/iot-playground\.git$/);
    const clone = await new ZxRunner().run('git', ['clone', '--quiet', '--depth', '1', url, join(dir, 'clone')], {
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    expect(clone.exitCode, clone.stderr).toBe(0);
    expect(await readFile(join(dir, 'clone/app/deployment.yaml'), 'utf8')).toBe(
      await readFile(join(PROJECT_ROOT, 'manifests/p3/app/deployment.yaml'), 'utf8'),
    );
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
