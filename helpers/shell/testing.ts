// Test support: a grading context over a repository written to a temporary folder, Vagrant machines built
// by hand, and a shellcheck of the test's own making.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';
import { GradingContext } from '../target/grading-context.ts';
import { readConfig } from '../config/env.ts';
import { openTarget } from '../target/repository.ts';
import type { VagrantMachine, VagrantProvisioner } from '../vagrantfile/model.ts';

export interface TempRepository {
  ctx: GradingContext;
}

/**
 * Writes `files` (path → text or bytes) and opens them as a grading target, inside a test: the folder is removed when
 * that test ends, however many the test makes.
 */
export async function tempRepository(files: Record<string, string | Uint8Array>): Promise<TempRepository> {
  const root = await mkdtemp(join(tmpdir(), 'iot-shell-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const config = readConfig({ IOT_REPO: root, IOT_DATE: '2026-01-15' });
  const ctx = new GradingContext(config, await openTarget(root));
  return { ctx };
}

export function shellProvisioner(fields: Partial<VagrantProvisioner> & { line: number; file?: string }): VagrantProvisioner {
  const { line, file = 'p1/Vagrantfile', ...rest } = fields;
  return { type: 'shell', env: {}, args: [], options: {}, location: { file, line }, ...rest };
}

export function machine(name: string, ip: string, provisioners: VagrantProvisioner[], extra: Partial<VagrantMachine> = {}): VagrantMachine {
  return {
    name,
    hostname: name,
    networks: [{ type: 'private_network', ip, options: {} }],
    providers: {},
    provisioners,
    location: { file: provisioners[0]?.location.file ?? 'p1/Vagrantfile', line: 1 },
    ...extra,
  };
}

/**
 * Stand-ins for committed copies of official install scripts: the shape installers.ts recognises
 * (the functions they define, the variables they read), written for the tests, not the scripts.
 */
export const INSTALLER_STAND_INS = {
  k3s: [
    '#!/bin/sh',
    'set -e',
    '# Usage: curl ... | ENV_VAR=... sh -   or   ENV_VAR=... ./install.sh',
    '#   INSTALL_K3S_EXEC or script arguments: the k3s command and its flags',
    '#   INSTALL_K3S_VERSION: the release to install',
    'setup_env() {',
    '    CMD_K3S_EXEC="$*"',
    '}',
    'download_and_verify() {',
    '    echo "downloading ${INSTALL_K3S_VERSION:-stable}"',
    '}',
    'create_uninstall() {',
    '    echo "uninstall script"',
    '}',
    'eval set -- "${INSTALL_K3S_EXEC}" "$@"',
    '{',
    '    setup_env "$@"',
    '    download_and_verify',
    '    create_uninstall',
    '}',
    '',
  ].join('\n'),
  k3d: [
    '#!/usr/bin/env bash',
    'APP_NAME="k3d"',
    ': "${K3D_INSTALL_DIR:=/usr/local/bin}"',
    'initArch() { ARCH=amd64; }',
    'initOS() { OS=linux; }',
    'verifySupported() { return 0; }',
    'installFile() { echo "installing $APP_NAME into $K3D_INSTALL_DIR"; }',
    'initArch',
    'initOS',
    'verifySupported',
    'installFile',
    '',
  ].join('\n'),
} as const;

// A part that boots from its Makefile: the steps sit in make recipes, the scripts only install tools.
export const MAKEFILE_PART = {
  'p3/Makefile': [
    'NAME = iot',
    '# k3d cluster create in a comment does not count',
    'cluster:',
    '\t$(K3D) cluster create $(NAME) -p "8888:8888@loadbalancer"',
    'namespaces:',
    '\tkubectl create namespace argocd',
    '\tkubectl create namespace dev',
    'argocd:',
    '\tkubectl apply -n argocd -f https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/manifests/install.yaml',
    '',
  ].join('\n'),
  'p3/scripts/install.sh': '#!/bin/bash\ncurl -fsSL https://get.docker.com | sh\n',
  'p3/confs/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
};

/** Writes `<folder>/bin/shellcheck`, a shell script running `body`; returns a PATH that finds it first. */
export function fakeShellcheck(folder: string, body: string): string {
  const bin = join(folder, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'shellcheck'), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, 'shellcheck'), 0o755);
  return `${bin}${delimiter}${process.env.PATH}`;
}

/** Whether a process runs (Linux): one killed but not yet reaped by its new parent is a zombie, not running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}
