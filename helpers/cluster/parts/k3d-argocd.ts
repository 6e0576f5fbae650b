// Part 3 (and the bonus, which builds on it): the part's own scripts, chosen by setup-scripts.ts, run with
// bash on this host; the k3d cluster they create is found by comparing `k3d cluster list` before and after,
// and only a cluster the run created is deleted at teardown.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Target } from '../../target/repository.ts';
import type { SubjectPart } from '../../target/layout.ts';
import { runPhase, type BootLog } from '../boot.ts';
import { CommandError, callerLocation, runChecked, type CommandRunner } from '../command-runner.ts';
import { kubernetesEvidence, type EvidenceSource } from '../evidence.ts';
import { answeredVersion, excerpt, probe, type HttpAnswer } from '../http-probe.ts';
import { kubeAccessFromKubeconfig, type KubeAccess } from '../kube-access.ts';
import type { BootContext, PartDriver } from '../part-session.ts';
import { isListening, startPortForward, type PortForward } from '../port-forward.ts';
import { portTaken } from '../host-collisions.ts';
import { planScripts, type PlannedScript, type ScriptPlan } from '../setup-scripts.ts';
import type { CleanupStack } from '../teardown.ts';
import type { ServiceLike } from '../workload-checks.ts';

export const APP_PORT = 8888;

export interface K3dArgoCdOptions {
  part: Extract<SubjectPart, 'p3' | 'bonus'>;
  target: Target;
  runner: CommandRunner;
  log: BootLog;
  /** Scripts to run instead of the heuristic (IOT_P3_SETUP / IOT_BONUS_SETUP), relative to the target root. */
  override?: string[];
  /** For the bonus: Part 3's scripts, run first when no bonus script creates a cluster. */
  before?: ScriptPlan | Promise<ScriptPlan>;
  env?: Record<string, string | undefined>;
  /** The app's host port (8888; self-tests use another). */
  appPort?: number;
  /** An API already at hand instead of the booted cluster's, and where cleanups go (self-tests). */
  kube?: KubeAccess;
  always?: CleanupStack;
}

export function partPlan(target: Target, part: SubjectPart, override: string[] = []): Promise<ScriptPlan> {
  return planScripts(target, part, override);
}

/** The part's own steps; for the bonus, Part 3's first when no bonus step creates a cluster. */
export async function bootPlan(
  target: Target,
  part: 'p3' | 'bonus',
  override?: string[],
  before?: ScriptPlan | Promise<ScriptPlan>,
): Promise<ScriptPlan> {
  const own = await partPlan(target, part, override);
  const first = await before;
  if (!first || own.createsCluster) return own;
  return {
    run: [...first.run, ...own.run],
    skipped: [...first.skipped, ...own.skipped],
    createsCluster: first.createsCluster,
    clusters: [...new Set([...first.clusters, ...own.clusters])],
  };
}

export class K3dArgoCd implements PartDriver {
  readonly part: 'p3' | 'bonus';
  /** The steps to run, read from the part's scripts when the boot starts. */
  private planned?: ScriptPlan;
  private readonly planning: Promise<ScriptPlan>;
  /** The cluster the checks look at. */
  cluster?: string;
  /** Clusters this run created (deleted at teardown). */
  readonly created: string[] = [];
  kubeconfigFile?: string;
  /** How the app was reached last: "localhost:8888" or "kubectl port-forward …". */
  appRoute = '';
  private readonly target: Target;
  private readonly runner: CommandRunner;
  private readonly log: BootLog;
  private readonly env: Record<string, string | undefined>;
  private kubeValue?: KubeAccess;
  private readonly appPort: number;
  private readonly extraEvidence: EvidenceSource[] = [];
  private forward?: PortForward;
  private tmp?: string;
  private always?: CleanupStack;

  constructor(options: K3dArgoCdOptions) {
    this.part = options.part;
    this.target = options.target;
    this.runner = options.runner;
    this.log = options.log;
    this.env = options.env ?? process.env;
    this.planning = bootPlan(options.target, options.part, options.override, options.before);
    // Read when the boot starts; a reading error is reported there, not as an unhandled rejection.
    this.planning.catch(() => undefined);
    this.appPort = options.appPort ?? APP_PORT;
    this.kubeValue = options.kube;
    this.always = options.always;
  }

  async clusterNames(): Promise<string[]> {
    const result = await runChecked(
      this.runner,
      'k3d',
      ['cluster', 'list', '-o', 'json'],
      { env: this.env, timeoutMs: 60_000 },
      'k3d cluster list',
    );
    return (JSON.parse(result.stdout || '[]') as Array<{ name?: string }>).map((c) => c.name ?? '').filter(Boolean);
  }

  get plan(): ScriptPlan {
    if (!this.planned) throw new Error(`the boot plan of ${this.part} is read when the boot starts`);
    return this.planned;
  }

  async boot(ctx: BootContext): Promise<void> {
    this.always = ctx.always;
    this.planned = await this.planning;
    for (const skipped of this.plan.skipped) ctx.log.note(`not run: ${skipped.path} (${skipped.why})`);
    if (this.plan.run.length === 0) {
      throw new Error(
        `no script or Makefile target of ${this.part} creates the cluster or applies anything (${this.plan.skipped.map((s) => `${s.path}: ${s.why}`).join('; ') || 'no script found'}); name the scripts to run with IOT_${this.part.toUpperCase()}_SETUP=path/one.sh,path/two.sh`,
      );
    }
    const before = new Set(await this.clusterNames());
    const named = this.plannedClusters();
    // Registered before the scripts run, so that a teardown handed over in the middle of a script (Ctrl-C)
    // deletes the cluster it was creating; in process, only a cluster that exists and was not there before.
    for (const name of named.filter((n) => !before.has(n))) {
      ctx.cleanup.push(
        `k3d cluster delete ${name}`,
        async () => {
          if ((await this.clusterNames()).includes(name)) await this.deleteCluster(name);
        },
        { kind: 'run', cmd: 'k3d', args: ['cluster', 'delete', name], timeoutMs: 300_000 },
      );
    }
    for (const script of this.plan.run) {
      try {
        await runPhase(`script ${script.path}`, ctx.budgetMs, ctx.timings, (signal) => this.runScript(script, ctx.log, signal), {
          signal: ctx.signal,
        });
      } finally {
        for (const name of (await this.clusterNames().catch(() => [] as string[])).filter(
          (n) => !before.has(n) && !this.created.includes(n),
        )) {
          this.created.push(name);
          if (named.includes(name)) continue;
          ctx.cleanup.push(`k3d cluster delete ${name}`, () => this.deleteCluster(name), {
            kind: 'run',
            cmd: 'k3d',
            args: ['cluster', 'delete', name],
            timeoutMs: 300_000,
          });
        }
      }
    }
    const existing = await this.clusterNames();
    this.cluster = this.created[0] ?? named.find((n) => existing.includes(n)) ?? (existing.length === 1 ? existing[0] : undefined);
    if (!this.cluster)
      throw new Error(`the scripts ran but no k3d cluster can be found (k3d cluster list: ${existing.join(', ') || 'none'})`);
    if (!this.created.includes(this.cluster))
      ctx.log.note(`using the existing cluster ${this.cluster}: it was there before the run and is not deleted at teardown`);
    await this.writeKubeconfig(ctx.always);
  }

  /** Clusters the planned scripts create: `k3d cluster create NAME`, or the name in the part's k3d config file. */
  plannedClusters(): string[] {
    const fromScripts = this.plan.clusters;
    const parts: SubjectPart[] = this.part === 'bonus' ? ['bonus', 'p3'] : ['p3'];
    const fromConfigs = parts
      .flatMap((part) => this.target.filesOf(part))
      .filter((f) => /\.ya?ml$/.test(f.path) && /^apiVersion:\s*k3d\.io\//m.test(f.text ?? ''))
      .map((f) => /^metadata:\s*\n\s+name:\s*["']?([A-Za-z0-9][\w-]*)/m.exec(f.text ?? '')?.[1])
      .filter((name): name is string => !!name);
    return [...new Set([...fromScripts, ...fromConfigs])];
  }

  /**
   * Runs one step in a process group of its own. It is done when it exits, or, for a step that ends in a
   * foreground `kubectl port-forward`, once that port listens. What it leaves running (its port-forwards) is
   * ended with the group at teardown.
   */
  private async runScript(script: PlannedScript, log: BootLog, signal: AbortSignal): Promise<void> {
    const cwd = join(this.target.root, script.cwd);
    const [cmd, args] = script.program === 'make' ? ['make', script.args] : ['bash', [join(this.target.root, script.path), ...script.args]];
    const shown = [script.program, script.program === 'make' ? '' : script.path, ...script.args].filter(Boolean).join(' ');
    // A step is done once its port listens: something already listening there (a port-forward an earlier run
    // left) would end the step before it started.
    const taken = script.holdsPort ? await portTaken(script.holdsPort, { runner: this.runner, env: this.env }) : undefined;
    if (taken) throw new Error(`${shown} cannot start: it is done once port ${script.holdsPort} listens, and ${taken}`);
    log.note(
      `${shown} (from ${script.cwd}: ${script.why})${script.holdsPort ? `; done once port ${script.holdsPort} listens (it ends in a foreground kubectl port-forward)` : ''}`,
    );
    const started = this.runner.start(cmd, args, { cwd, env: this.env, signal, onLine: log.sink(posix.basename(script.path)) });
    this.always?.push(
      `end what ${shown} left running`,
      async () => started.stop(),
      started.pid ? { kind: 'kill-group', pid: started.pid } : undefined,
    );
    const exited = started.exited.then((result) => ({ result }));
    const settled = new AbortController();
    const outcome = script.holdsPort
      ? await Promise.race([exited, this.listening(script.holdsPort, AbortSignal.any([signal, settled.signal]))]).finally(() =>
          settled.abort(),
        )
      : await exited;
    if ('listening' in outcome) {
      log.note(`${shown} is serving its port-forward on ${script.holdsPort}; it keeps running until teardown`);
      return;
    }
    if (outcome.result.exitCode !== 0) throw new CommandError(outcome.result, callerLocation(), script.path);
  }

  private async listening(port: number, signal: AbortSignal): Promise<{ listening: true }> {
    while (!signal.aborted) {
      if (await isListening(port)) return { listening: true };
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    return new Promise(() => {});
  }

  private async writeKubeconfig(cleanup: CleanupStack): Promise<void> {
    const result = await runChecked(
      this.runner,
      'k3d',
      ['kubeconfig', 'get', this.cluster!],
      { env: this.env, timeoutMs: 60_000 },
      'k3d kubeconfig get',
    );
    this.tmp = await mkdtemp(join(tmpdir(), 'iot-k3d-'));
    this.kubeconfigFile = join(this.tmp, 'kubeconfig');
    await writeFile(this.kubeconfigFile, result.stdout, { mode: 0o600 });
    await chmod(this.kubeconfigFile, 0o600);
    this.kubeValue = kubeAccessFromKubeconfig(result.stdout);
    const tmp = this.tmp;
    cleanup.push('remove the temporary kubeconfig', () => rm(tmp, { recursive: true, force: true }), { kind: 'remove', path: tmp });
  }

  get kube(): KubeAccess {
    if (!this.kubeValue) throw new Error('the cluster is not booted');
    return this.kubeValue;
  }

  get kubectlArgs(): string[] {
    return this.kubeconfigFile ? ['--kubeconfig', this.kubeconfigFile] : [];
  }

  async kubectl(args: string[]): Promise<string> {
    return (await runChecked(this.runner, 'kubectl', [...this.kubectlArgs, ...args], { env: this.env, timeoutMs: 120_000 }, 'kubectl'))
      .stdout;
  }

  async deleteCluster(name: string): Promise<void> {
    this.forward?.stop();
    await runChecked(
      this.runner,
      'k3d',
      ['cluster', 'delete', name],
      { env: this.env, timeoutMs: 300_000, onLine: this.log.sink() },
      'k3d cluster delete',
    );
  }

  /** The Service in a namespace that serves a port (the app's 8888), or the only one there. */
  static serviceFor(services: ServiceLike[], port: number): ServiceLike | undefined {
    return services.find((s) => (s.spec?.ports ?? []).some((p) => p.port === port)) ?? (services.length === 1 ? services[0] : undefined);
  }

  /**
   * GET the app on port 8888 of this host, where the cluster publishes it (k3d -p 8888:8888@loadbalancer). What
   * answers there may not be the app (another process, a stale port-forward): unless it is a 200 naming a
   * version, the answer comes from a kubectl port-forward to the app's Service instead, restarted when a
   * rollout replaced the pod. appRoute says which route answered, and why.
   */
  async appAnswer(namespace = 'dev', path = '/'): Promise<HttpAnswer> {
    let local: HttpAnswer | undefined;
    let why: string;
    try {
      local = await probe(`http://127.0.0.1:${this.appPort}${path}`, { timeoutMs: 5_000 });
      if (local.status === 200 && answeredVersion(local.body)) {
        this.appRoute = `localhost:${this.appPort}`;
        return local;
      }
      why = `localhost:${this.appPort} answered HTTP ${local.status}${local.status === 200 ? ' naming no version' : ''}: ${excerpt(local.body, 60)}`;
    } catch {
      why = `nothing answers on localhost:${this.appPort}`;
    }
    try {
      const forwarded = await this.forwardedAnswer(namespace, path);
      this.appRoute = `kubectl port-forward svc/${this.forwardedService} (${why})`;
      return forwarded;
    } catch (error) {
      if (!local) throw error;
      this.appRoute = `localhost:${this.appPort} (no port-forward either: ${(error as Error).message.split('\n')[0]})`;
      return local;
    }
  }

  private forwardedService = '';

  private async forwardedAnswer(namespace: string, path: string): Promise<HttpAnswer> {
    if (!this.forward?.alive()) {
      const service = K3dArgoCd.serviceFor(await this.kube.services(namespace), APP_PORT);
      if (!service) throw new Error(`namespace ${namespace} has no Service to forward to`);
      const port = service.spec?.ports?.find((p) => p.port === APP_PORT)?.port ?? service.spec?.ports?.[0]?.port ?? APP_PORT;
      this.forward = await startPortForward({
        kubectlArgs: this.kubectlArgs,
        namespace,
        resource: `svc/${service.metadata?.name}`,
        remotePort: port,
        env: this.env,
      });
      this.forwardedService = service.metadata?.name ?? '';
      const forward = this.forward;
      this.always?.push('stop kubectl port-forward', () => forward.stop(), forward.pid ? { kind: 'kill', pid: forward.pid } : undefined);
    }
    return probe(`${this.forward.url.replace(/\/$/, '')}${path}`, { timeoutMs: 5_000 });
  }

  /** More evidence for a failing check (the git server's request log). */
  addEvidence(source: EvidenceSource): void {
    this.extraEvidence.push(source);
  }

  evidence(): EvidenceSource[] {
    return [
      {
        file: 'k3d-clusters.txt',
        collect: async () => (await this.runner.run('k3d', ['cluster', 'list'], { env: this.env, timeoutMs: 60_000 })).stdout,
      },
      ...(this.kubeconfigFile ? kubernetesEvidence((args) => this.kubectl(args), { argocd: true }) : []),
      ...this.extraEvidence,
    ];
  }

  cleanupCommands(): string[] {
    return this.created.length
      ? this.created.map((name) => `k3d cluster delete ${name}`)
      : ['k3d cluster list   # then: k3d cluster delete <name>'];
  }
}
