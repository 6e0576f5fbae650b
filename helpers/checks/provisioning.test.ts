import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VagrantEvaluation, VagrantMachine } from '../vagrantfile/model.ts';
import { INSTALLER_STAND_INS, machine, shellProvisioner, tempRepository } from '../shell/testing.ts';
import { runShellchecks, shellcheckDialect, type ShellcheckOutcome } from '../shell/shellcheck.ts';
import type { CheckResult } from './result.ts';

const state = vi.hoisted(() => ({
  roles: undefined as { server: VagrantMachine; worker?: VagrantMachine } | undefined,
  evaluations: new Map<string, VagrantEvaluation | undefined>(),
}));
vi.mock('./machines.ts', () => ({ partOneRoles: async () => state.roles }));
vi.mock('../vagrantfile/evaluate.ts', () => ({ vagrantEvaluation: async (_ctx: unknown, part: string) => state.evaluations.get(part) }));

const { provisioningChecks } = await import('./provisioning.ts');

afterEach(() => {
  state.roles = undefined;
  state.evaluations.clear();
});

async function run(id: keyof typeof provisioningChecks, files: Record<string, string | Uint8Array>): Promise<CheckResult> {
  const repository = await tempRepository(files);
  return provisioningChecks[id](repository.ctx);
}

const SERVER_SH = '#!/bin/bash\ncurl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="server --node-ip 192.168.56.110" sh -\n';
const WORKER_SH =
  '#!/bin/bash\ncurl -sfL https://get.k3s.io | K3S_URL="https://$1:6443" K3S_TOKEN_FILE=/vagrant/token sh -s - agent --flannel-iface eth1\n';

/** Part 1 with a server and a worker running the given scripts. */
function partOne(serverScript = SERVER_SH, workerScript = WORKER_SH): Record<string, string> {
  const server = machine('wilS', '192.168.56.110', [
    shellProvisioner({ line: 5, path: 'scripts/server.sh', resolvedPath: 'p1/scripts/server.sh' }),
  ]);
  const worker = machine('wilSW', '192.168.56.111', [
    shellProvisioner({ line: 9, path: 'scripts/worker.sh', resolvedPath: 'p1/scripts/worker.sh', args: ['192.168.56.110'] }),
  ]);
  state.roles = { server, worker };
  state.evaluations.set('p1', { ok: true, file: 'p1/Vagrantfile', config: { machines: [server, worker], notes: [] } });
  return { 'p1/Vagrantfile': '# evaluated by hand\n', 'p1/scripts/server.sh': serverScript, 'p1/scripts/worker.sh': workerScript };
}

/** Part 1 whose provisioners run get.k3s.io by URL (Vagrant downloads a path: URL). */
function partOneRemote(): Record<string, string> {
  const server = machine('wilS', '192.168.56.110', [
    shellProvisioner({ line: 5, path: 'https://get.k3s.io', env: { INSTALL_K3S_EXEC: 'server -i 192.168.56.110' } }),
  ]);
  const worker = machine('wilSW', '192.168.56.111', [
    shellProvisioner({
      line: 9,
      path: 'https://get.k3s.io',
      env: { K3S_URL: 'https://192.168.56.110:6443', K3S_TOKEN_FILE: '/vagrant/node-token' },
      args: ['--node-ip', '192.168.56.111'],
    }),
  ]);
  state.roles = { server, worker };
  state.evaluations.set('p1', { ok: true, file: 'p1/Vagrantfile', config: { machines: [server, worker], notes: [] } });
  return { 'p1/Vagrantfile': '# evaluated by hand\n' };
}

/** Part 1 whose machines both run a committed copy of get.k3s.io, each with its own args and env. */
function partOneVendored(): Record<string, string> {
  const server = machine('wilS', '192.168.56.110', [
    shellProvisioner({ line: 5, path: 'scripts/k3s.sh', resolvedPath: 'p1/scripts/k3s.sh', args: ['--node-ip', '192.168.56.110'] }),
  ]);
  const worker = machine('wilSW', '192.168.56.111', [
    shellProvisioner({
      line: 9,
      path: 'scripts/k3s.sh',
      resolvedPath: 'p1/scripts/k3s.sh',
      args: ['--node-ip', '192.168.56.111'],
      env: { K3S_URL: 'https://192.168.56.110:6443', K3S_TOKEN_FILE: '/vagrant/node-token' },
    }),
  ]);
  state.roles = { server, worker };
  state.evaluations.set('p1', { ok: true, file: 'p1/Vagrantfile', config: { machines: [server, worker], notes: [] } });
  return { 'p1/Vagrantfile': '# evaluated by hand\n', 'p1/scripts/k3s.sh': INSTALLER_STAND_INS.k3s };
}

describe('G-SHELL-SYNTAX', () => {
  it('passes when every script parses, and when there is none', async () => {
    expect((await run('G-SHELL-SYNTAX', { 'p3/scripts/a.sh': 'echo a\n', 'p2/scripts/b.bash': 'echo b\n' })).status).toBe('pass');
    expect((await run('G-SHELL-SYNTAX', { 'p3/confs/a.yaml': 'a: 1\n' })).message).toMatch(/no shell script/);
  });

  it('fails naming the file and line of a syntax error', async () => {
    const result = await run('G-SHELL-SYNTAX', {
      'p3/scripts/ok.sh': 'echo ok\n',
      'p3/scripts/bad.sh': '#!/bin/bash\necho a\nif true; then\n  echo b\n',
    });
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^p3\/scripts\/bad\.sh:3: .*fi/);
    expect(result.locations).toEqual([{ file: 'p3/scripts/bad.sh', line: 3 }]);
    expect(result.fix).toMatch(/bash -n/);
  });

  it('fails on a malformed arithmetic expression, saying bash -n misses it but bash stops on it', async () => {
    const result = await run('G-SHELL-SYNTAX', {
      'p1/scripts/wait.sh': '#!/bin/bash\nstart=$SECONDS\nwaited=$((SEC# note ONDS - start))\n',
    });
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^p1\/scripts\/wait\.sh:3: .*arithmetic/);
    expect(result.fix).toMatch(/bash -n` does not look inside \$\(\(…\)\)/);
    expect(result.fix).not.toMatch(/reports the same error\)/);
  });

  it('fails on a binary file named *.sh', async () => {
    const result = await run('G-SHELL-SYNTAX', { 'p3/scripts/tool.sh': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]) });
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/p3\/scripts\/tool\.sh is a binary file/);
  });

  it('covers inline provisioners', async () => {
    const files = { 'p1/Vagrantfile': '#\n' };
    const server = machine('wilS', '192.168.56.110', [shellProvisioner({ line: 7, inline: 'if true; then echo\n' })]);
    state.evaluations.set('p1', { ok: true, file: 'p1/Vagrantfile', config: { machines: [server], notes: [] } });
    const result = await run('G-SHELL-SYNTAX', files);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^p1\/Vagrantfile:7: .*line 1 of the inline script/);
  });
});

/** These run the real shellcheck (Debian package `shellcheck`); CI installs it. */
const hasShellcheck = !spawnSync('shellcheck', ['--version']).error;

describe('G-SHELLCHECK', () => {
  it.skipIf(!hasShellcheck)('fails on an error-level finding with file, line and code', async () => {
    const result = await run('G-SHELLCHECK', { 'p3/scripts/a.sh': '#!/bin/bash\necho ok\nif [ -f /x]; then echo y; fi\n' });
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/p3\/scripts\/a\.sh:3: SC1020/);
    expect(result.locations).toEqual([{ file: 'p3/scripts/a.sh', line: 3 }]);
  });

  it.skipIf(!hasShellcheck)('passes clean scripts and leaves unparsable ones to G-SHELL-SYNTAX', async () => {
    const result = await run('G-SHELLCHECK', { 'p3/scripts/a.sh': '#!/bin/sh\necho "ok"\n', 'p3/scripts/b.sh': 'if true; then\n' });
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/1 script left to G-SHELL-SYNTAX/);
  });

  it.skipIf(!hasShellcheck)('maps the shebang to a ShellCheck dialect, and reports a shell it cannot check', async () => {
    expect(['bash', 'sh', 'dash', 'ksh', 'ash', 'mksh', 'zsh'].map(shellcheckDialect)).toEqual([
      'bash',
      'sh',
      'dash',
      'ksh',
      'sh',
      'ksh',
      undefined,
    ]);
    const result = await run('G-SHELLCHECK', {
      'p3/scripts/a.sh': '#!/bin/bash\necho a\n',
      'p3/scripts/z.sh': '#!/usr/bin/env zsh\necho z\n',
    });
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(
      /no ShellCheck error in 1 script \(p3\/scripts\/z\.sh is a zsh script, which ShellCheck does not check\)/,
    );
  });

  it('runs a few checks at a time and keeps the outcomes in the order of the scripts', async () => {
    let running = 0;
    let most = 0;
    const fake = async (text: string): Promise<ShellcheckOutcome> => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20 - Number(text)));
      running--;
      return { kind: 'done', findings: [{ line: Number(text), code: 1000, message: text }] };
    };
    const scripts = Array.from({ length: 9 }, (_, index) => ({ text: String(index), dialect: 'bash' }));
    const outcomes = await runShellchecks(scripts, 4, fake);
    expect(outcomes.map((outcome) => (outcome.kind === 'done' ? outcome.findings[0]!.line : -1))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(most).toBe(4);
  });

  it.skipIf(!hasShellcheck)('reports the findings of several scripts in the order of the files', async () => {
    const broken = (n: number): string => `#!/bin/bash\n${'echo ok\n'.repeat(n)}if [ -f /x]; then echo y; fi\n`;
    const files = Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`p3/scripts/s${n}.sh`, broken(n)]));
    const result = await run('G-SHELLCHECK', files);
    expect(result.status).toBe('fail');
    expect(result.locations).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ file: `p3/scripts/s${n}.sh`, line: n + 2 })));
  });

  it('skips naming the missing tool when shellcheck is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const result = await run('G-SHELLCHECK', { 'p3/scripts/a.sh': 'echo a\n' });
      expect(result).toMatchObject({ status: 'skip', message: 'shellcheck is not installed: apt-get install shellcheck' });
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('P1-K3S-SERVER', () => {
  it('passes when the server installs K3s in server mode', async () => {
    const result = await run('P1-K3S-SERVER', partOne());
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/wilS installs K3s in server mode at p1\/scripts\/server\.sh:2/);
  });

  it('fails when the server installs an agent', async () => {
    const result = await run(
      'P1-K3S-SERVER',
      partOne('#!/bin/bash\ncurl -sfL https://get.k3s.io | K3S_URL=https://192.168.56.110:6443 sh -\n'),
    );
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/agent mode at p1\/scripts\/server\.sh:2.*K3S_URL/);
  });

  it('fails when no script installs K3s', async () => {
    const result = await run('P1-K3S-SERVER', partOne('#!/bin/bash\napt-get install -y curl\n'));
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/no K3s install found in the scripts of wilS \(p1\/scripts\/server\.sh\)/);
  });

  it('passes when a path: URL runs get.k3s.io with INSTALL_K3S_EXEC="server …"', async () => {
    const files = partOneRemote();
    const result = await run('P1-K3S-SERVER', files);
    expect(result.status).toBe('pass');
    expect(result.message).toBe('wilS installs K3s in server mode at p1/Vagrantfile:5 (get.k3s.io)');
  });

  it('passes when the server runs a committed copy of get.k3s.io with args', async () => {
    const result = await run('P1-K3S-SERVER', partOneVendored());
    expect(result.status).toBe('pass');
    expect(result.message).toBe('wilS installs K3s in server mode at p1/scripts/k3s.sh (copy of get.k3s.io)');
  });

  it('names a remote script it does not fetch when no K3s install is found', async () => {
    const files = partOneRemote();
    state.roles!.server.provisioners[0]!.path = 'https://example.com/k3s-setup.sh';
    const result = await run('P1-K3S-SERVER', files);
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'the shell provisioner at p1/Vagrantfile:5 runs https://example.com/k3s-setup.sh, a script outside the repository that the grader does not fetch, so the grader finds no K3s install for wilS',
    );
    expect(result.fix).toMatch(/^commit every script a provisioner runs in the part's scripts\/ folder/);
    expect(result.locations).toEqual([{ file: 'p1/Vagrantfile', line: 5 }]);
  });

  it('skips naming G-SHELL-SYNTAX when the script does not parse', async () => {
    const result = await run('P1-K3S-SERVER', partOne('#!/bin/bash\nif true; then\n'));
    expect(result.status).toBe('skip');
    expect(result.message).toMatch(/^skipped: G-SHELL-SYNTAX failed \(p1\/scripts\/server\.sh:2/);
  });
});

describe('P1-K3S-AGENT', () => {
  it('passes when the worker joins https://192.168.56.110:6443 with a token', async () => {
    const result = await run('P1-K3S-AGENT', partOne());
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/joining https:\/\/192\.168\.56\.110:6443 with a token \(K3S_TOKEN_FILE\)/);
  });

  it('fails on another server URL', async () => {
    const result = await run('P1-K3S-AGENT', partOne(SERVER_SH, WORKER_SH.replace(':6443', ':6444')));
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/K3S_URL is https:\/\/192\.168\.56\.110:6444, not https:\/\/192\.168\.56\.110:6443/);
  });

  it('fails naming an unresolved placeholder of the URL', async () => {
    const result = await run('P1-K3S-AGENT', partOne(SERVER_SH, WORKER_SH.replace('$1', '${MASTER_IP}')));
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/nothing sets \$\{MASTER_IP\}/);
  });

  it('fails without a token', async () => {
    const result = await run('P1-K3S-AGENT', partOne(SERVER_SH, WORKER_SH.replace('K3S_TOKEN_FILE=/vagrant/token ', '')));
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/gives no join token/);
    expect(result.locations).toEqual([{ file: 'p1/scripts/worker.sh', line: 2 }]);
  });

  it('accepts the server URL and token from a K3s config file', async () => {
    const worker =
      '#!/bin/bash\nmkdir -p /etc/rancher/k3s\ncat > /etc/rancher/k3s/config.yaml <<EOF\nserver: https://$1:6443\ntoken-file: /vagrant/token\nEOF\ncurl -sfL https://get.k3s.io | sh -s - agent\n';
    const result = await run('P1-K3S-AGENT', partOne(SERVER_SH, worker));
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/config:token-file/);
  });

  it('passes when a path: URL runs get.k3s.io with K3S_URL and K3S_TOKEN_FILE in env:', async () => {
    const result = await run('P1-K3S-AGENT', partOneRemote());
    expect(result.status).toBe('pass');
    expect(result.message).toBe(
      'wilSW installs K3s in agent mode at p1/Vagrantfile:9 (get.k3s.io), joining https://192.168.56.110:6443 with a token (K3S_TOKEN_FILE)',
    );
  });

  it('passes when the worker runs a committed copy of get.k3s.io with K3S_URL in env:', async () => {
    const result = await run('P1-K3S-AGENT', partOneVendored());
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(
      /wilSW installs K3s in agent mode at p1\/scripts\/k3s\.sh \(copy of get\.k3s\.io\), joining https:\/\/192\.168\.56\.110:6443 with a token \(K3S_TOKEN_FILE\)/,
    );
  });

  it('skips when there is no worker', async () => {
    const files = partOne();
    state.roles = { server: state.roles!.server };
    expect((await run('P1-K3S-AGENT', files)).message).toMatch(/^skipped: P1-MACHINES failed/);
  });
});

describe('P1-NODE-IP', () => {
  it('passes when both installs pin --node-ip or --flannel-iface', async () => {
    const result = await run('P1-NODE-IP', partOne());
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(
      /wilS at p1\/scripts\/server\.sh:2 \(--node-ip 192\.168\.56\.110\).*wilSW at p1\/scripts\/worker\.sh:2 \(--flannel-iface eth1\)/,
    );
  });

  it('passes on remote get.k3s.io runs pinned with -i and --node-ip', async () => {
    const result = await run('P1-NODE-IP', partOneRemote());
    expect(result.status).toBe('pass');
    expect(result.message).toBe(
      'both K3s installs are pinned to the private network: wilS at p1/Vagrantfile:5 (--node-ip 192.168.56.110); wilSW at p1/Vagrantfile:9 (--node-ip 192.168.56.111)',
    );
  });

  it('passes on a committed get.k3s.io copy given --node-ip in args:', async () => {
    expect((await run('P1-NODE-IP', partOneVendored())).status).toBe('pass');
  });

  it('shows an interface found by a command substitution whole, never cut at its first blank', async () => {
    const server = [
      '#!/bin/bash',
      "IFACE=$(ip -o addr show | awk '/192.168.56/{print $2}' | head -n1)",
      'export INSTALL_K3S_EXEC="server --flannel-iface ${IFACE}"',
      'curl -sfL https://get.k3s.io | sh -',
      '',
    ].join('\n');
    const worker = [
      '#!/bin/bash',
      'FLAGS="agent --node-ip $(hostname -I | cut -d\' \' -f2)"',
      'curl -sfL https://get.k3s.io | K3S_URL="https://$1:6443" K3S_TOKEN_FILE=/vagrant/token sh -s - $FLAGS',
      '',
    ].join('\n');
    const result = await run('P1-NODE-IP', partOne(server, worker));
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toBe(
      "both K3s installs are pinned to the private network: wilS at p1/scripts/server.sh:4 (--flannel-iface $(ip -o addr show | awk '/192.168.56/{print $2}' | head -n1)); wilSW at p1/scripts/worker.sh:3 (--node-ip $(hostname -I | cut -d' ' -f2))",
    );
  });

  it('fails when an install pins nothing', async () => {
    const result = await run('P1-NODE-IP', partOne('#!/bin/bash\ncurl -sfL https://get.k3s.io | sh -\n'));
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^wilS: p1\/scripts\/server\.sh:2 \(get\.k3s\.io\) sets neither --node-ip nor --flannel-iface$/);
  });

  it("fails when --node-ip is not the machine's private IP", async () => {
    const result = await run('P1-NODE-IP', partOne(SERVER_SH.replace('192.168.56.110', '10.0.2.15')));
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/--node-ip 10\.0\.2\.15, but wilS's private network IP is 192\.168\.56\.110/);
  });

  it('skips naming P1-K3S-SERVER when the server installs no K3s', async () => {
    const result = await run('P1-NODE-IP', partOne('#!/bin/bash\necho nothing\n'));
    expect(result.message).toMatch(/^skipped: P1-K3S-SERVER failed/);
  });
});

describe('P2-K3S-SERVER', () => {
  const partTwo = (script: string): Record<string, string> => {
    const server = machine('wilS', '192.168.56.110', [
      shellProvisioner({ file: 'p2/Vagrantfile', line: 6, path: 'scripts/server.sh', resolvedPath: 'p2/scripts/server.sh' }),
    ]);
    state.evaluations.set('p2', { ok: true, file: 'p2/Vagrantfile', config: { machines: [server], notes: [] } });
    return { 'p2/Vagrantfile': '#\n', 'p2/scripts/server.sh': script };
  };

  it('passes on a server install', async () => {
    expect((await run('P2-K3S-SERVER', partTwo('curl -sfL https://get.k3s.io | sh -s - server\n'))).status).toBe('pass');
  });

  it('passes on a committed copy of get.k3s.io run by the provisioner', async () => {
    const result = await run('P2-K3S-SERVER', partTwo(INSTALLER_STAND_INS.k3s));
    expect(result.status).toBe('pass');
    expect(result.message).toBe('wilS installs K3s in server mode at p2/scripts/server.sh (copy of get.k3s.io)');
  });

  it('fails on an agent install', async () => {
    const result = await run(
      'P2-K3S-SERVER',
      partTwo('curl -sfL https://get.k3s.io | sh -s - agent --server https://192.168.56.110:6443\n'),
    );
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/p2\/scripts\/server\.sh:1/);
  });
});

describe('P3-INSTALL and P3-K3D', () => {
  const install =
    '#!/bin/bash\ncommand -v docker || apt-get install -y docker.io\ncurl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash\nsnap install kubectl --classic\n';

  it('passes when Docker, K3d and kubectl each have an install step', async () => {
    const result = await run('P3-INSTALL', { 'p3/scripts/install.sh': install });
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(
      /Docker at p3\/scripts\/install\.sh:2.*K3d at p3\/scripts\/install\.sh:3.*kubectl at p3\/scripts\/install\.sh:4/,
    );
  });

  it("passes with a committed copy of k3d's install script and one apt-get for Docker and kubectl", async () => {
    const result = await run('P3-INSTALL', {
      'p3/scripts/install.sh': '#!/bin/bash\napt-get install -y docker-ce kubectl\n',
      'p3/scripts/k3d.sh': INSTALLER_STAND_INS.k3d,
    });
    expect(result.status).toBe('pass');
    expect(result.message).toBe(
      "the scripts install Docker at p3/scripts/install.sh:2 (apt-get install docker-ce); K3d at p3/scripts/k3d.sh (a copy of k3d's install script); kubectl at p3/scripts/install.sh:2 (apt-get install kubectl)",
    );
  });

  it('passes when an install runs through eval of a function argument', async () => {
    const text =
      '#!/bin/bash\nsetup() {\n  local cmd=$1\n  eval "$cmd"\n}\nsetup "curl -fsSL https://get.docker.com | sh"\nsetup "curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash"\nsetup "snap install kubectl --classic"\n';
    const result = await run('P3-INSTALL', { 'p3/scripts/install.sh': text });
    expect(result.status).toBe('pass');
    expect(result.locations).toEqual([4, 4, 4].map((line) => ({ file: 'p3/scripts/install.sh', line })));
  });

  it('fails naming each missing tool', async () => {
    const result = await run('P3-INSTALL', { 'p3/scripts/install.sh': install.replace('snap install kubectl --classic\n', '') });
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^no install step for kubectl in the scripts of p3 \(p3\/scripts\/install\.sh\)/);
    expect(result.fix).toMatch(/dl\.k8s\.io/);
  });

  it('P3-K3D passes on k3d cluster create and fails without it', async () => {
    const created = await run('P3-K3D', {
      'p3/scripts/setup.sh': 'set -e\nsudo k3d cluster create --config "$(dirname "$0")/../confs/k3d.yaml"\n',
    });
    expect(created.status).toBe('pass');
    expect(created.message).toBe(
      'p3/scripts/setup.sh:2 creates a K3d cluster (`k3d cluster create --config p3/scripts/../confs/k3d.yaml`, from the config p3/scripts/../confs/k3d.yaml)',
    );
    const missing = await run('P3-K3D', { 'p3/scripts/setup.sh': 'k3d cluster list\n' });
    expect(missing.status).toBe('fail');
    expect(missing.message).toMatch(/no `k3d cluster create` in the scripts of p3/);
  });
});
