// Parts 1 and 2: the target's own Vagrantfile, booted with `vagrant up` in its folder. Machines come from
// `vagrant status --machine-readable`; commands run over `vagrant ssh` (BatchMode: a password prompt fails);
// the Kubernetes API is reached with the server's kubeconfig, its address rewritten to the private IP.
import { join, posix } from 'node:path';
import type { Target } from '../../target/repository.ts';
import { runPhase, type BootLog } from '../boot.ts';
import { CommandError, callerLocation, formatCommand, runChecked, type CommandResult, type CommandRunner } from '../command-runner.ts';
import { kubernetesEvidence, type EvidenceSource } from '../evidence.ts';
import { kubeAccessFromKubeconfig, rewriteKubeconfigServer, type KubeAccess } from '../kube-access.ts';
import type { NodeLike } from '../node-checks.ts';
import type { BootContext, PartDriver } from '../part-session.ts';
import { machineRoles, parseVagrantStatus, type VagrantMachineState } from '../vagrant-status.ts';

export const SERVER_IP = '192.168.56.110';
export const WORKER_IP = '192.168.56.111';

export interface VagrantClusterOptions {
  part: 'p1' | 'p2';
  target: Target;
  runner: CommandRunner;
  log: BootLog;
  env?: Record<string, string | undefined>;
}

export class VagrantCluster implements PartDriver {
  readonly part: 'p1' | 'p2';
  /** Absolute folder of the Vagrantfile. */
  readonly folder: string;
  /** Relative to the target root, for messages. */
  readonly vagrantfile: string;
  machines: VagrantMachineState[] = [];
  /** The result of `vagrant up` (it exits 1 when a provisioner fails). */
  upResult?: CommandResult;
  private readonly runner: CommandRunner;
  private readonly log: BootLog;
  private readonly env: Record<string, string | undefined>;
  private kubeValue?: Promise<KubeAccess>;

  constructor(options: VagrantClusterOptions) {
    const vagrantfile = options.target.layout.parts[options.part].vagrantfile ?? `${options.part}/Vagrantfile`;
    const file = options.target.file(vagrantfile);
    if (!file) throw new Error(`no Vagrantfile at ${vagrantfile}: nothing to boot (G-LAYOUT reports it)`);
    this.part = options.part;
    this.vagrantfile = vagrantfile;
    this.folder = join(options.target.root, posix.dirname(vagrantfile));
    this.runner = options.runner;
    this.log = options.log;
    this.env = options.env ?? process.env;
  }

  async boot(ctx: BootContext): Promise<void> {
    // Registered before `vagrant up`: a half-created machine is destroyed too.
    // Detached, it is retried: after Ctrl-C, the interrupted `vagrant up` may still hold the machine's lock.
    ctx.cleanup.push(`vagrant destroy -f (${this.vagrantfile})`, () => this.destroy(), {
      kind: 'run',
      cmd: 'vagrant',
      args: ['destroy', '-f'],
      cwd: this.folder,
      timeoutMs: 600_000,
      retries: 6,
      retryDelayMs: 10_000,
    });
    ctx.log.note(`vagrant up --no-parallel in ${this.folder}`);
    // --no-parallel: vagrant-libvirt boots every machine at once by default, and a worker whose script joins the
    // server at once (most student Vagrantfiles) then fails; VirtualBox boots one at a time anyway.
    this.upResult = await runPhase(
      'vagrant up',
      ctx.budgetMs,
      ctx.timings,
      (signal) => this.runner.run('vagrant', ['up', '--no-parallel'], { cwd: this.folder, env: this.env, signal, onLine: ctx.log.sink() }),
      { signal: ctx.signal },
    );
    this.machines = await runPhase('vagrant status', 120_000, ctx.timings, () => this.status(), { signal: ctx.signal });
    if (this.upResult.exitCode !== 0)
      throw new CommandError(this.upResult, callerLocation(), `vagrant up --no-parallel in ${this.vagrantfile}`);
  }

  async status(): Promise<VagrantMachineState[]> {
    const result = await runChecked(
      this.runner,
      'vagrant',
      ['status', '--machine-readable'],
      { cwd: this.folder, env: this.env, timeoutMs: 120_000 },
      'vagrant status',
    );
    return parseVagrantStatus(result.stdout);
  }

  get roles(): { server?: string; worker?: string } {
    return machineRoles(this.machines.map((m) => m.name));
  }

  get server(): string {
    const server = this.roles.server;
    if (!server) throw new Error(`vagrant status lists no machine for ${this.vagrantfile}`);
    return server;
  }

  /** Runs a command inside a machine; never prompts (BatchMode), never waits forever. */
  ssh(machine: string, command: string, timeoutMs = 120_000): Promise<CommandResult> {
    return this.runner.run('vagrant', ['ssh', machine, '-c', command, '--', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20'], {
      cwd: this.folder,
      env: this.env,
      timeoutMs,
    });
  }

  async sshChecked(machine: string, command: string): Promise<string> {
    const result = await this.ssh(machine, command);
    if (result.exitCode !== 0) throw new CommandError(result, callerLocation(), `on ${machine}`);
    return result.stdout;
  }

  /** kubectl on the server, as root (the K3s kubeconfig is root's unless --write-kubeconfig-mode says otherwise). */
  kubectl(args: string[]): Promise<string> {
    return this.sshChecked(this.server, `sudo kubectl ${formatCommand(args[0] ?? '', args.slice(1))}`);
  }

  /** The API from the host: the server's kubeconfig with its address rewritten to 192.168.56.110. */
  kube(): Promise<KubeAccess> {
    this.kubeValue ??= (async () => {
      const text = await this.sshChecked(this.server, 'sudo cat /etc/rancher/k3s/k3s.yaml');
      return kubeAccessFromKubeconfig(rewriteKubeconfigServer(text, SERVER_IP));
    })();
    this.kubeValue.catch(() => {
      this.kubeValue = undefined;
    });
    return this.kubeValue;
  }

  /** Nodes through the API; when the host cannot reach it, through kubectl on the server (what CHECKS.md names). */
  async nodes(): Promise<NodeLike[]> {
    try {
      return await (await this.kube()).nodes();
    } catch {
      const list = JSON.parse(await this.kubectl(['get', 'nodes', '-o', 'json'])) as { items?: NodeLike[] };
      return list.items ?? [];
    }
  }

  async destroy(): Promise<void> {
    await runChecked(
      this.runner,
      'vagrant',
      ['destroy', '-f'],
      { cwd: this.folder, env: this.env, timeoutMs: 600_000, onLine: this.log.sink() },
      'vagrant destroy',
    );
  }

  evidence(): EvidenceSource[] {
    const roles = this.roles;
    const journal = (machine: string | undefined, unit: string): EvidenceSource => ({
      file: `journal-${unit}-${machine ?? 'unknown'}.txt`,
      collect: async () => (machine ? this.sshChecked(machine, `sudo journalctl -u ${unit} --no-pager -n 400`) : 'no such machine'),
    });
    return [
      {
        file: 'vagrant-status.txt',
        collect: async () => (await this.runner.run('vagrant', ['status'], { cwd: this.folder, env: this.env, timeoutMs: 120_000 })).stdout,
      },
      ...kubernetesEvidence((args) => this.kubectl(args)),
      journal(roles.server, 'k3s'),
      ...(this.part === 'p1' ? [journal(roles.worker, 'k3s-agent')] : []),
    ];
  }

  cleanupCommands(): string[] {
    return [`(cd ${this.folder} && vagrant destroy -f)`];
  }
}
