// The Part 1 provisioning scripts (vagrant/p1/scripts/k3s-{server,agent}.sh), run as root in a
// private mount namespace: /etc, /var/lib and /usr/local/bin are overlays whose writes stay in
// this test's folder, and every tool that would reach the network or a real K3s is a stub
// (install.sh, served by the stub curl, installs a fake k3s and writes the service's environment
// file the way K3s's install.sh does: its K3S_* variables, one `NAME='value'` a line).
//
// What they must do, from K3s's docs (docs.k3s.io/cli/token, /architecture): the worker joins with
// the agent token only and never holds the server token; the server is given the agent token
// (agent-token-file); the worker presents the node password generated on the host. Both scripts
// are idempotent: a second run installs and restarts nothing.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { StubHost } from './stub-host.ts';

const SCRIPTS = join(PROJECT_ROOT, 'vagrant/p1/scripts');
const K3S_VERSION = 'v1.36.5+k3s1';
const SERVER_TOKEN = 'a1'.repeat(32);
const AGENT_TOKEN = 'b2'.repeat(32);
const NODE_PASSWORD = 'c3'.repeat(16);
const OVERLAID = ['/etc', '/var/lib', '/usr/local/bin'];

/** Root, and a kernel that lets us make a private mount namespace with overlays. */
function canIsolate(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('unshare', ['-m', '--propagation', 'private', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const isolation = canIsolate();

// install.sh as K3s's does it, minus the download: the binary, the env file, the service.
const FAKE_INSTALL_SH = `#!/bin/sh
set -e
echo "install.sh $INSTALL_K3S_EXEC $INSTALL_K3S_VERSION" >>"$STUB_STATE/installs"
mkdir -p /usr/local/bin /etc/systemd/system
printf '#!/bin/sh\\necho "k3s version %s (stub)"\\n' "$INSTALL_K3S_VERSION" >/usr/local/bin/k3s
chmod 755 /usr/local/bin/k3s
case "$INSTALL_K3S_EXEC" in
  agent) name=k3s-agent; mkdir -p /var/lib/rancher/k3s/agent
         echo "apiVersion: v1" >/var/lib/rancher/k3s/agent/kubeproxy.kubeconfig ;;
  *) name=k3s; mkdir -p /var/lib/rancher/k3s/server ;;
esac
sh -c export | while read x v; do echo $v; done | grep -E '^(K3S|CONTAINERD)_' >/etc/systemd/system/$name.service.env
systemctl enable $name
systemctl restart $name
`;

const STUBS: Record<string, string> = {
  // curl -fsSL --retry 5 -o FILE URL: install.sh and its checksum; any other URL (the server's
  // /cacerts) answers.
  curl: `
out=""; url=""
while (($#)); do case "$1" in -o) out="$2"; shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac; done
case "$url" in
  */install.sh) cp "$FAKE_INSTALL_SH" "$out" ;;
  */install.sh.sha256sum) (cd "$(dirname "$FAKE_INSTALL_SH")" && /usr/bin/sha256sum install.sh) >"$out" ;;
  *) [[ -z "$out" ]] || : >"$out" ;;
esac`,
  systemctl: `
state="$STUB_STATE/systemd"; mkdir -p "$state"
verb="$1"; shift
[[ "$verb" == --quiet || "$1" == --quiet ]] && { [[ "$verb" == --quiet ]] && { verb="$1"; shift; }; [[ "$1" == --quiet ]] && shift; }
unit="$1"
case "$verb" in
  is-active) [[ -f "$state/$unit.active" ]] ;;
  is-enabled) [[ -f "$state/$unit.enabled" ]] ;;
  enable) touch "$state/$unit.enabled" ;;
  start|restart) touch "$state/$unit.active"; echo "$verb $unit" >>"$STUB_STATE/service-events" ;;
  *) exit 0 ;;
esac`,
  kubectl: `
case "$1 $2" in
  "config view") echo "apiVersion: v1" ;;
  *) exit 0 ;;
esac`,
  ip: `echo "3: eth1    inet \${NODE_IP}/24 brd 192.168.56.255 scope global eth1\\       valid_lft forever preferred_lft forever"`,
  hostname: 'echo "$NODE_NAME"',
  hostnamectl: 'exit 0',
  usermod: 'exit 0',
  'dpkg-query': "printf 'install ok installed'",
  'apt-get': 'echo "apt-get must not run: the packages are installed" >&2; exit 1',
  sha256sum: 'exec /usr/bin/sha256sum "$@"',
  sleep: 'exit 0',
};

let host: StubHost | undefined;
afterEach(async () => {
  await host?.dispose();
  host = undefined;
});

async function newMachine(): Promise<StubHost> {
  host = await StubHost.create(STUBS);
  const installer = join(host.root, 'installer');
  await mkdir(installer);
  await writeFile(join(installer, 'install.sh'), FAKE_INSTALL_SH);
  for (const dir of OVERLAID) {
    const name = dir.replaceAll('/', '_');
    await mkdir(join(host.root, 'overlay', `${name}-up`), { recursive: true });
    await mkdir(join(host.root, 'overlay', `${name}-work`), { recursive: true });
  }
  // The box's vagrant group (the worker's kubeconfig is given to it).
  await isolated(host, `grep -q '^vagrant:' /etc/group || echo 'vagrant:x:1500:' >>/etc/group`);
  return host;
}

let snippets = 0;
/** Runs a bash snippet in the machine's mount namespace (overlays mounted), as root. */
async function isolated(machine: StubHost, snippet: string, env: Record<string, string> = {}) {
  const mounts = OVERLAID.map((dir) => {
    const name = dir.replaceAll('/', '_');
    const up = join(machine.root, 'overlay', `${name}-up`);
    const work = join(machine.root, 'overlay', `${name}-work`);
    return `mount -t overlay overlay -o lowerdir=${dir},upperdir=${up},workdir=${work} ${dir}`;
  });
  const file = join(machine.root, `snippet-${++snippets}.sh`);
  await writeFile(file, snippet);
  const wrapper = `exec unshare -m --propagation private bash -c '${mounts.join(' && ')} && exec bash "$0"' ${file}`;
  return machine.runSource(wrapper, [], {
    env: { FAKE_INSTALL_SH: join(machine.root, 'installer', 'install.sh'), ...env },
  });
}

async function provision(machine: StubHost, script: string, env: Record<string, string>, uploads: Record<string, string>) {
  const uploadEnv: Record<string, string> = {};
  for (const [variable, content] of Object.entries(uploads)) {
    const file = join(machine.root, `upload-${variable}`);
    await writeFile(file, `${content}\n`);
    uploadEnv[variable] = file;
  }
  const run = await isolated(machine, `exec bash ${join(SCRIPTS, script)}`, {
    K3S_VERSION,
    SERVER_IP: '192.168.56.110',
    ...env,
    ...uploadEnv,
  });
  const events = await isolated(machine, `cat "$STUB_STATE/installs" "$STUB_STATE/service-events" 2>/dev/null; true`);
  return { ...run, events: events.stdout };
}

/** Files under /etc/rancher and /var/lib/rancher (in the overlay) holding `secret`. */
async function filesHolding(machine: StubHost, secret: string): Promise<string[]> {
  const run = await isolated(machine, `grep -rls -- '${secret}' /etc/rancher /var/lib/rancher /etc/systemd/system 2>/dev/null; true`);
  return run.stdout.split('\n').filter(Boolean).sort();
}

const read = async (machine: StubHost, file: string) => (await isolated(machine, `cat ${file}`)).stdout;
const mode = async (machine: StubHost, file: string) => (await isolated(machine, `stat -c %a ${file}`)).stdout.trim();

const WORKER = { NODE_NAME: 'wilSW', NODE_IP: '192.168.56.111' };
const WORKER_UPLOADS = { AGENT_TOKEN_UPLOAD: AGENT_TOKEN, NODE_PASSWORD_UPLOAD: NODE_PASSWORD };
const SERVER = { NODE_NAME: 'wilS', NODE_IP: '192.168.56.110' };
const SERVER_UPLOADS = { SERVER_TOKEN_UPLOAD: SERVER_TOKEN, AGENT_TOKEN_UPLOAD: AGENT_TOKEN };

describe.skipIf(!isolation)('Part 1 provisioning (needs root and a private mount namespace)', () => {
  test('the worker joins with the agent token only, and presents the node password from the host', async () => {
    const machine = await newMachine();
    const run = await provision(machine, 'k3s-agent.sh', WORKER, WORKER_UPLOADS);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.events).toMatch(/install\.sh agent v1\.36\.5\+k3s1/);
    const env = await read(machine, '/etc/systemd/system/k3s-agent.service.env');
    expect(env).toMatch(/^K3S_TOKEN_FILE='\/etc\/rancher\/k3s\/agent-token'$/m);
    expect(env).toMatch(/^K3S_URL='https:\/\/192\.168\.56\.110:6443'$/m);
    expect((await read(machine, '/etc/rancher/k3s/agent-token')).trim()).toBe(AGENT_TOKEN);
    expect(await mode(machine, '/etc/rancher/k3s/agent-token')).toBe('600');
    expect(await filesHolding(machine, AGENT_TOKEN)).toEqual(['/etc/rancher/k3s/agent-token']);
    expect((await read(machine, '/etc/rancher/node/password')).trim()).toBe(NODE_PASSWORD);
    expect(await mode(machine, '/etc/rancher/node/password')).toBe('600');
  });

  test('the worker provisioned again changes nothing', async () => {
    const machine = await newMachine();
    expect((await provision(machine, 'k3s-agent.sh', WORKER, WORKER_UPLOADS)).code).toBe(0);
    const again = await provision(machine, 'k3s-agent.sh', WORKER, WORKER_UPLOADS);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.events.match(/install\.sh/g)).toHaveLength(1);
    expect(again.events.match(/restart k3s-agent/g)).toHaveLength(1);
    expect(again.stdout).toMatch(/agent token unchanged/);
    expect(again.stdout).toMatch(/node password unchanged/);
    expect(again.stdout).toMatch(/K3s agent v1\.36\.5\+k3s1 is already installed/);
  });

  test('a worker set up by an earlier version (server token on disk) is moved to the agent token', async () => {
    const machine = await newMachine();
    const seeded = await isolated(
      machine,
      `set -e
       mkdir -p /etc/rancher/k3s /etc/rancher/node /usr/local/bin /var/lib/rancher/k3s/agent "$STUB_STATE/systemd"
       echo ${SERVER_TOKEN} >/etc/rancher/k3s/cluster-token
       echo 'old-password' >/etc/rancher/node/password
       printf "K3S_TOKEN_FILE='/etc/rancher/k3s/cluster-token'\\nK3S_URL='https://192.168.56.110:6443'\\n" >/etc/systemd/system/k3s-agent.service.env
       printf '#!/bin/sh\\necho "k3s version ${K3S_VERSION} (stub)"\\n' >/usr/local/bin/k3s; chmod 755 /usr/local/bin/k3s
       echo 'apiVersion: v1' >/var/lib/rancher/k3s/agent/kubeproxy.kubeconfig
       touch "$STUB_STATE/systemd/k3s-agent.enabled" "$STUB_STATE/systemd/k3s-agent.active"`,
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(await filesHolding(machine, SERVER_TOKEN)).toEqual(['/etc/rancher/k3s/cluster-token']);
    const run = await provision(machine, 'k3s-agent.sh', WORKER, WORKER_UPLOADS);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.events).toMatch(/install\.sh agent/);
    expect(await filesHolding(machine, SERVER_TOKEN)).toEqual([]);
    expect(await read(machine, '/etc/systemd/system/k3s-agent.service.env')).toMatch(
      /^K3S_TOKEN_FILE='\/etc\/rancher\/k3s\/agent-token'$/m,
    );
    // The server holds the hash of the password this machine joined with: it keeps it.
    expect((await read(machine, '/etc/rancher/node/password')).trim()).toBe('old-password');
    expect(run.stdout).toMatch(/kubectl delete node wilsw/);
  });

  test('the server keeps its server token and is given the agent token for agents', async () => {
    const machine = await newMachine();
    const run = await provision(machine, 'k3s-server.sh', SERVER, SERVER_UPLOADS);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.events).toMatch(/install\.sh server v1\.36\.5\+k3s1/);
    expect(await read(machine, '/etc/systemd/system/k3s.service.env')).toMatch(/^K3S_TOKEN_FILE='\/etc\/rancher\/k3s\/cluster-token'$/m);
    expect(await read(machine, '/etc/rancher/k3s/config.yaml')).toMatch(/^agent-token-file: "\/etc\/rancher\/k3s\/agent-token"$/m);
    expect((await read(machine, '/etc/rancher/k3s/agent-token')).trim()).toBe(AGENT_TOKEN);
    expect(await filesHolding(machine, SERVER_TOKEN)).toEqual(['/etc/rancher/k3s/cluster-token']);
    expect(await mode(machine, '/etc/rancher/k3s/cluster-token')).toBe('600');
    expect(await mode(machine, '/etc/rancher/k3s/agent-token')).toBe('600');
  });

  test('the server provisioned again changes nothing; a new agent token restarts it', async () => {
    const machine = await newMachine();
    expect((await provision(machine, 'k3s-server.sh', SERVER, SERVER_UPLOADS)).code).toBe(0);
    const again = await provision(machine, 'k3s-server.sh', SERVER, SERVER_UPLOADS);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.events.match(/install\.sh/g)).toHaveLength(1);
    expect(again.events.match(/restart k3s/g)).toHaveLength(1);
    expect(again.stdout).toMatch(/K3s configuration unchanged/);

    const rotated = await provision(machine, 'k3s-server.sh', SERVER, { ...SERVER_UPLOADS, AGENT_TOKEN_UPLOAD: 'd4'.repeat(32) });
    expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
    expect(rotated.events.match(/restart k3s/g)).toHaveLength(2);
  });

  test('the server refuses a server token that changed under an existing cluster', async () => {
    const machine = await newMachine();
    expect((await provision(machine, 'k3s-server.sh', SERVER, SERVER_UPLOADS)).code).toBe(0);
    const changed = await provision(machine, 'k3s-server.sh', SERVER, { ...SERVER_UPLOADS, SERVER_TOKEN_UPLOAD: 'e5'.repeat(32) });
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toMatch(/server token in \.secrets\/cluster-token changed/);
  });
});
