import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ZxRunner } from './command-runner.ts';
import { gateFor } from './live-gate.ts';
import { compareVersions, preflight } from './preflight.ts';

// Fake tools on a PATH of our own: each prints what the real one prints (versions as of 2025).
const TOOLS: Record<string, string> = {
  vagrant: 'echo "Vagrant 2.4.3"',
  VBoxManage: 'echo "7.1.6r167084"',
  docker: 'echo "28.2.2"',
  k3d: 'printf "k3d version v5.8.3\\nk3s version v1.31.5-k3s1 (default)\\n"',
  kubectl: 'printf "Client Version: v1.33.4\\nKustomize Version: v5.6.0\\n"',
};

let root: string;
const runner = new ZxRunner();

async function bin(name: string, tools: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  for (const [tool, body] of Object.entries(tools)) {
    if (tool === 'git') {
      await symlink('/usr/bin/git', join(dir, 'git'));
      continue;
    }
    await writeFile(join(dir, tool), `#!/bin/sh\n${body}\n`);
    await chmod(join(dir, tool), 0o755);
  }
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'iot-preflight-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('preflight with tools present and absent (PATH manipulation)', () => {
  test('Part 1: vagrant and VirtualBox present', async () => {
    const path = await bin('p-ok', { vagrant: TOOLS.vagrant!, VBoxManage: TOOLS.VBoxManage! });
    const report = await preflight('p1', { runner, env: { PATH: path } });
    expect(report.ok).toBe(true);
    expect(report.message).toBe('P1 live checks: vagrant 2.4.3, Vagrant provider virtualbox 7.1.6');
  });

  test('Part 1: nothing on PATH names vagrant and a provider, with how to get them', async () => {
    const path = await bin('empty', {});
    const report = await preflight('p1', { runner, env: { PATH: path } });
    expect(report.ok).toBe(false);
    expect(report.message).toBe(
      'P1 live checks need vagrant (not on PATH — install it: https://developer.hashicorp.com/vagrant/install); ' +
        'a Vagrant provider (VBoxManage, virsh, vmrun, prlctl not on PATH — install VirtualBox: https://www.virtualbox.org/wiki/Downloads)',
    );
  });

  test('Part 2: VirtualBox without its kernel driver is not a usable provider', async () => {
    const path = await bin('p-nodriver', {
      vagrant: TOOLS.vagrant!,
      VBoxManage: 'echo "WARNING: The vboxdrv kernel module is not loaded."; echo "7.0.14r161095"',
    });
    const report = await preflight('p2', { runner, env: { PATH: path } });
    expect(report.ok).toBe(false);
    expect(report.message).toContain(
      'a Vagrant provider (VirtualBox 7.0.14 (its kernel driver is not loaded: WARNING: The vboxdrv kernel module is not loaded.); virsh, vmrun, prlctl not on PATH',
    );
  });

  test('Part 2: VAGRANT_DEFAULT_PROVIDER=libvirt looks only for libvirt', async () => {
    const path = await bin('p-libvirt', { vagrant: TOOLS.vagrant!, VBoxManage: TOOLS.VBoxManage! });
    const report = await preflight('p2', { runner, env: { PATH: path, VAGRANT_DEFAULT_PROVIDER: 'libvirt' } });
    expect(report.ok).toBe(false);
    expect(report.message).toContain(
      'a Vagrant provider (virsh not on PATH — sudo apt-get install libvirt-daemon-system && vagrant plugin install vagrant-libvirt)',
    );
  });

  // vagrant with the plugin, and a virsh whose qemu:///system answers as recorded on Debian 12 (libvirt-clients
  // 9.0.0): without the daemon's socket, and with a socket the user may not open (run as nobody).
  const VAGRANT_WITH_LIBVIRT = 'case "$1" in plugin) echo "vagrant-libvirt (0.12.2, global)";; *) echo "Vagrant 2.4.3";; esac';
  const virsh = (answer: string) => `case "$1" in --version) echo "9.0.0";; *) ${answer};; esac`;

  test('libvirt: virsh cannot open qemu:///system (permission denied) — the libvirt group is named', async () => {
    const path = await bin('p-virsh-denied', {
      vagrant: VAGRANT_WITH_LIBVIRT,
      virsh: virsh(
        `printf "error: failed to connect to the hypervisor\\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied\\n" >&2; exit 1`,
      ),
    });
    const report = await preflight('p1', { runner, env: { PATH: path, VAGRANT_DEFAULT_PROVIDER: 'libvirt' } });
    expect(report.ok).toBe(false);
    expect(report.message).toContain(
      "a Vagrant provider (libvirt (virsh -c qemu:///system: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied: add your user to the libvirt group (sudo usermod -aG libvirt $USER, then log in again))",
    );
  });

  test('libvirt: no daemon (no socket) — start it; with access, libvirt is the provider', async () => {
    const down = await bin('p-virsh-down', {
      vagrant: VAGRANT_WITH_LIBVIRT,
      virsh: virsh(
        `printf "error: failed to connect to the hypervisor\\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\\n" >&2; exit 1`,
      ),
    });
    expect((await preflight('p2', { runner, env: { PATH: down, VAGRANT_DEFAULT_PROVIDER: 'libvirt' } })).message).toContain(
      'No such file or directory: start the libvirt daemon (sudo systemctl start libvirtd)',
    );
    const up = await bin('p-virsh-up', { vagrant: VAGRANT_WITH_LIBVIRT, virsh: virsh('exit 0') });
    const report = await preflight('p2', { runner, env: { PATH: up, VAGRANT_DEFAULT_PROVIDER: 'libvirt' } });
    expect(report.message).toBe('P2 live checks: vagrant 2.4.3, Vagrant provider libvirt 9.0.0');
  });

  test('Part 3: git older than 2.28 (no git init --initial-branch) is too old', async () => {
    const path = await bin('p3-old-git', { docker: TOOLS.docker!, k3d: TOOLS.k3d!, kubectl: TOOLS.kubectl! });
    const { writeFile: write, chmod: mode } = await import('node:fs/promises');
    await write(join(path, 'git'), '#!/bin/sh\necho "git version 2.25.1"\n');
    await mode(join(path, 'git'), 0o755);
    const report = await preflight('p3', { runner, env: { PATH: path } });
    expect(report.message).toContain('git (found 2.25.1, need 2.28.0 or later — upgrade it: sudo apt-get install git');
  });

  test('Part 3: every tool present', async () => {
    const path = await bin('p3-ok', { docker: TOOLS.docker!, k3d: TOOLS.k3d!, kubectl: TOOLS.kubectl!, git: '' });
    const report = await preflight('p3', { runner, env: { PATH: path } });
    expect(report.findings.map((f) => [f.name, f.ok])).toEqual([
      ['docker daemon', true],
      ['k3d', true],
      ['kubectl', true],
      ['git', true],
    ]);
    expect(report.message).toMatch(/^P3 live checks: docker daemon 28\.2\.2, k3d 5\.8\.3, kubectl 1\.33\.4, git \d+\.\d+\.\d+$/);
  });

  test('Part 3: the docker client without a daemon, and k3d too old', async () => {
    const path = await bin('p3-bad', {
      docker: 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1',
      k3d: 'printf "k3d version v4.4.8\\nk3s version latest (default)\\n"',
      kubectl: TOOLS.kubectl!,
      git: '',
    });
    const report = await preflight('p3', { runner, env: { PATH: path } });
    expect(report.ok).toBe(false);
    expect(report.message).toContain(
      'docker daemon (not reachable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running? — start it',
    );
    expect(report.message).toContain('k3d (found 4.4.8, need 5.0.0 or later — upgrade it: https://k3d.io/#installation)');
    expect(report.message).not.toContain('kubectl (');
  });
});

describe('live gate', () => {
  const missing = { ok: false, message: 'P3 live checks need k3d (not on PATH — install it: https://k3d.io/#installation)' };
  test('a missing tool skips, with the same line', () => {
    expect(gateFor(missing, false)).toEqual({ kind: 'skip', message: `skipped: ${missing.message}` });
  });
  test('with IOT_LIVE=1 it fails, with the same line', () => {
    expect(gateFor(missing, true)).toEqual({ kind: 'fail', message: `${missing.message} (IOT_LIVE=1: a missing tool is a failure)` });
  });
  test('tools present: run', () => {
    expect(gateFor({ ok: true, message: 'P3 live checks: …' }, true)).toEqual({ kind: 'run' });
  });
  test('versions compare numerically', () => {
    expect(compareVersions('5.10.0', '5.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.24', '1.24.0')).toBe(0);
    expect(compareVersions('2.2.19', '2.10.0')).toBeLessThan(0);
  });
});
