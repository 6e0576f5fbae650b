import { describe, expect, test } from 'vitest';
import { callerLocation, CommandError, describeExit, formatCommand, RecordingRunner, runChecked, ZxRunner } from './command-runner.ts';

describe('ZxRunner (real processes)', () => {
  const runner = new ZxRunner();

  test('captures stdout, stderr and the exit code, and streams lines', async () => {
    const lines: string[] = [];
    const result = await runner.run('sh', ['-c', 'echo one; echo two; echo oops >&2; exit 3'], {
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('one\ntwo\n');
    expect(result.stderr).toBe('oops\n');
    expect(lines).toEqual(expect.arrayContaining(['stdout:one', 'stdout:two', 'stderr:oops']));
  });

  test('arguments are not interpreted by a shell', async () => {
    const result = await runner.run('printf', ['%s|', 'a b', '$HOME', "it's"]);
    expect(result.stdout).toBe("a b|$HOME|it's|");
  });

  test('a missing command exits 127; stdin is closed', async () => {
    expect((await runner.run('iot-no-such-command', [])).exitCode).toBe(127);
    expect((await runner.run('cat', [])).stdout).toBe('');
  });

  test('runChecked throws a zx-style CommandError: command, output tail, caller, exit code and meaning', async () => {
    const error = await runChecked(
      runner,
      'sh',
      ['-c', 'echo first >&2; echo Cannot connect to the Docker daemon >&2; exit 1'],
      {},
      'docker info',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    const message = (error as Error).message;
    expect(message).toContain(
      "docker info: `sh -c 'echo first >&2; echo Cannot connect to the Docker daemon >&2; exit 1'` failed with exit code 1 (general error)",
    );
    expect(message).toContain('    Cannot connect to the Docker daemon');
    expect(message).toMatch(/at helpers\/cluster\/command-runner\.test\.ts:\d+/);
  });

  test('a timeout ends the process', async () => {
    const result = await runner.run('sleep', ['5'], { timeoutMs: 100 });
    expect(result.exitCode === null || result.exitCode > 128).toBe(true);
    expect(result.durationMs).toBeLessThan(3_000);
  });
});

describe('command-runner helpers', () => {
  test('describeExit', () => {
    expect(describeExit(127)).toBe('exit code 127 (command not found)');
    expect(describeExit(130)).toBe('exit code 130 (ended by SIGINT)');
    expect(describeExit(137)).toBe('exit code 137 (ended by SIGKILL)');
    expect(describeExit(42)).toBe('exit code 42');
    expect(describeExit(null, 'SIGTERM')).toBe('killed by SIGTERM');
  });

  test('formatCommand quotes what a shell would need quoted', () => {
    expect(formatCommand('vagrant', ['ssh', 'wilS', '-c', 'sudo cat /etc/rancher/k3s/k3s.yaml'])).toBe(
      "vagrant ssh wilS -c 'sudo cat /etc/rancher/k3s/k3s.yaml'",
    );
  });

  test('callerLocation skips this module and node_modules', () => {
    const stack = [
      'Error',
      '    at run (/work/main/helpers/cluster/command-runner.ts:10:3)',
      '    at x (/work/main/node_modules/zx/build/core.js:1:1)',
      '    at file:///work/main/suites/p1/live.test.ts:42:7',
    ].join('\n');
    expect(callerLocation(stack)).toMatch(/suites\/p1\/live\.test\.ts:42$/);
  });

  test('RecordingRunner answers by rule and records every call in order', async () => {
    const runner = new RecordingRunner()
      .on(/^vagrant status/, { stdout: 'x' })
      .on((line) => line.startsWith('vagrant up'), { exitCode: 1, stderr: 'boom' });
    expect((await runner.run('vagrant', ['status', '--machine-readable'])).stdout).toBe('x');
    expect((await runner.run('vagrant', ['up'])).exitCode).toBe(1);
    expect((await runner.run('true', [])).exitCode).toBe(0);
    expect(runner.lines).toEqual(['vagrant status --machine-readable', 'vagrant up', 'true']);
  });
});
