// What already occupies the host before a part boots: a VM answering on Part 1/2's private address, or a
// process holding Part 3's host ports (a part kept by an earlier run, a stale port-forward). Found by
// connecting, then named with the tools that know (vagrant global-status, docker ps, ss) and how to remove it.
import type { CommandRunner } from './command-runner.ts';
import { isListening } from './port-forward.ts';

export interface GlobalStatusEntry {
  id: string;
  name?: string;
  provider: string;
  /** The Vagrantfile's folder. */
  home: string;
  state: string;
}

/**
 * `vagrant global-status --machine-readable`: one machine-id, provider-name, machine-home and state line per
 * machine. Vagrant 2.3 leaves the target (machine name) field empty there, so the name is read from the table
 * it also prints as `ui,info` lines (id, name, provider, state, directory, then an empty line).
 */
export function parseGlobalStatus(text: string): GlobalStatusEntry[] {
  const entries: GlobalStatusEntry[] = [];
  const table: string[] = [];
  let inTable = false;
  for (const line of text.split('\n')) {
    const fields = line.split(',');
    if (fields.length < 4) continue;
    const [, target, type, ...rest] = fields;
    const value = rest.join(',').trim();
    if (type === 'machine-id') entries.push({ id: value, name: target || undefined, provider: '', home: '', state: '' });
    const current = entries.at(-1);
    if (current && type === 'provider-name') current.provider = value;
    if (current && type === 'machine-home') current.home = value;
    if (current && type === 'state') current.state = value;
    if (type === 'ui' && rest[0] === 'info') {
      const cell = rest.slice(1).join(',').trim();
      if (/^-{10,}$/.test(cell)) inTable = true;
      else if (inTable) table.push(cell);
    }
  }
  for (let i = 0; i + 4 < table.length; i += 6) {
    const entry = entries.find((e) => e.id === table[i]);
    if (entry && !entry.name) entry.name = table[i + 1];
  }
  return entries;
}

/** `ss -Htlnp 'sport = :PORT'`: the processes listening ("kubectl" pid 1234); none when ss cannot see them. */
export function parseSsListeners(text: string): Array<{ process: string; pid: number }> {
  return [...text.matchAll(/\("([^"]+)",pid=(\d+),fd=\d+\)/g)].map((m) => ({ process: m[1]!, pid: Number(m[2]) }));
}

/** `docker ps --format '{{.Names}}\t{{.Label "k3d.cluster"}}'`: containers and the k3d cluster they belong to. */
export function parseDockerPublishers(text: string): Array<{ container: string; cluster?: string }> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [container, cluster] = line.split('\t');
      return { container: container!, cluster: cluster?.trim() || undefined };
    });
}

export interface CollisionContext {
  runner: CommandRunner;
  env?: Record<string, string | undefined>;
  /** Connection probe (a real TCP connect by default). */
  listening?: (port: number, host: string) => Promise<boolean>;
}

const probeOf = (ctx: CollisionContext) => ctx.listening ?? ((port: number, host: string) => isListening(port, host, 1_500));

/** Ports a K3s machine answers on: SSH, the API server, Traefik. */
const MACHINE_PORTS = [22, 6443, 80];

/** Why the private address is taken, naming the machine and how to remove it; undefined when nothing answers. */
export async function privateAddressTaken(address: string, ctx: CollisionContext): Promise<string | undefined> {
  const probe = probeOf(ctx);
  let port: number | undefined;
  for (const candidate of MACHINE_PORTS) {
    if (await probe(candidate, address)) {
      port = candidate;
      break;
    }
  }
  if (port === undefined) return undefined;
  const status = await ctx.runner.run('vagrant', ['global-status', '--machine-readable'], { env: ctx.env, timeoutMs: 60_000 });
  const running = parseGlobalStatus(status.stdout).filter((entry) => entry.state === 'running');
  const homes = [...new Set(running.map((entry) => entry.home))];
  const named = homes.map((home) => {
    const names = running.filter((entry) => entry.home === home).map((entry) => entry.name ?? entry.id);
    return `${names.join(', ')} in ${home} (remove: cd ${home} && vagrant destroy -f)`;
  });
  const who = named.length
    ? `Vagrant still runs ${named.join('; ')}`
    : 'Vagrant knows no running machine (a VM outside Vagrant? see VBoxManage list runningvms or virsh -c qemu:///system list)';
  return `${address} already answers on port ${port}, so a new machine cannot take it: ${who}. Part 1 and Part 2 both use ${address}: remove the other one first`;
}

/** Why a host port is taken, naming the holder and how to free it; undefined when it is free. */
export async function portTaken(port: number, ctx: CollisionContext): Promise<string | undefined> {
  if (!(await probeOf(ctx)(port, '127.0.0.1'))) return undefined;
  const docker = await ctx.runner.run('docker', ['ps', '--filter', `publish=${port}`, '--format', '{{.Names}}\t{{.Label "k3d.cluster"}}'], {
    env: ctx.env,
    timeoutMs: 30_000,
  });
  const containers = docker.exitCode === 0 ? parseDockerPublishers(docker.stdout) : [];
  const cluster = containers.find((c) => c.cluster)?.cluster;
  if (cluster)
    return `port ${port} is held by the k3d cluster ${cluster} (container ${containers[0]!.container}), perhaps kept by an earlier run: remove it: k3d cluster delete ${cluster}`;
  if (containers.length)
    return `port ${port} is held by the Docker container ${containers[0]!.container}: stop it (docker rm -f ${containers[0]!.container})`;
  const ss = await ctx.runner.run('ss', ['-Htlnp', `sport = :${port}`], { env: ctx.env, timeoutMs: 10_000 });
  const holder = ss.exitCode === 0 ? parseSsListeners(ss.stdout)[0] : undefined;
  if (holder)
    return `port ${port} is held by ${holder.process} (pid ${holder.pid})${holder.process === 'kubectl' ? ', a port-forward left by an earlier run perhaps' : ''}: stop it (kill ${holder.pid})`;
  return `port ${port} already answers on this host (ss cannot name the process: another user's, or root's): free it`;
}
