// One part's live run: preflight, one boot shared by every check of the file, the outcome of each check,
// and the teardown that IOT_KEEP decides (also on Ctrl-C).
import { writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { makeFolder } from '../config/make-folder.ts';
import { PROJECT_ROOT, type Config } from '../config/env.ts';
import type { SubjectPart } from '../target/layout.ts';
import { BootLog } from './boot.ts';
import type { CommandRunner } from './command-runner.ts';
import type { EvidenceSource } from './evidence.ts';
import { describeHolder, HostLock } from './host-lock.ts';
import { gateFor, gateForHost, type Gate, type HostProblem } from './live-gate.ts';
import { preflight, type PreflightReport } from './preflight.ts';
import { CleanupStack, InterruptGuard, keepNotice, outcomeOf, teardownAction, type SignalSource } from './teardown.ts';
import { DetachedTeardown, type TeardownHandover, type TeardownPlan } from './teardown-handover.ts';

export interface BootContext {
  log: BootLog;
  /** Phase durations (ms) by name; runPhase fills it. */
  timings: Record<string, number>;
  budgetMs: number;
  signal: AbortSignal;
  /** Register what boot created, to undo in reverse order at teardown (when the policy destroys). */
  cleanup: CleanupStack;
  /** Register what must be undone whatever the policy (temporary files, port-forwards). */
  always: CleanupStack;
}

/** What a part needs from its target-specific driver (parts/vagrant-cluster.ts, parts/k3d-argocd.ts …). */
export interface PartDriver {
  boot(ctx: BootContext): Promise<void>;
  /** Evidence to collect when a check fails (after boot). */
  evidence(): EvidenceSource[];
  /** What a person runs to remove a kept part. */
  cleanupCommands(): string[];
}

export interface CheckOutcome {
  status: 'pass' | 'fail' | 'skip';
  /** For a skip caused by a failure: the check that owns it. */
  root?: string;
}

export type BootState = { ok: true } | { ok: false; error: Error };

export interface SessionOptions<D extends PartDriver> {
  part: SubjectPart;
  config: Config;
  runner: CommandRunner;
  env?: Record<string, string | undefined>;
  /** Why the part cannot be graded at all (no bonus part …): a skip, never a failure. */
  absent?: string;
  /** A gate decided elsewhere (self-tests); preflight runs otherwise. */
  gate?: Gate;
  /** What stands in the way on this host once the tools are there (a kept VM, a held port, sudo): see HostProblem. */
  readiness?: () => Promise<HostProblem[]>;
  /** The host-wide lock file (one live run at a time); the default is in the temporary folder. */
  lockPath?: string;
  /** The teardown that outlives this process (teardown-handover.ts); self-tests record it instead. */
  handover?: (folder: string) => TeardownHandover;
  makeDriver: (log: BootLog) => D | Promise<D>;
  /** Terminal output (process.stderr by default). */
  write?: (text: string) => void;
  signals?: SignalSource;
  exit?: (code: number) => void;
}

const toPosix = (path: string): string => path.split(sep).join('/');

export class PartSession<D extends PartDriver = PartDriver> {
  readonly part: SubjectPart;
  readonly config: Config;
  readonly gate: Gate;
  readonly preflight?: PreflightReport;
  readonly log: BootLog;
  /** What the boot created: undone only when IOT_KEEP says destroy. */
  readonly cleanup = new CleanupStack();
  /** What checks changed (a repointed Application, a git server, a port-forward): undone always, first. */
  readonly always = new CleanupStack();
  /** Session phases: preflight, boot phases, teardown. */
  readonly timings: Record<string, number> = {};
  readonly outcomes = new Map<string, CheckOutcome>();
  readonly guard?: InterruptGuard;
  private driverValue?: D;
  private readonly makeDriver: (log: BootLog) => D | Promise<D>;
  private booting?: Promise<BootState>;
  private finished = false;
  private readonly write: (text: string) => void;
  private readonly lock?: HostLock;
  private readonly startHandover: (folder: string) => TeardownHandover;
  private handover?: TeardownHandover;

  private constructor(options: SessionOptions<D>, gate: Gate, report: PreflightReport | undefined, lock: HostLock | undefined) {
    this.part = options.part;
    this.config = options.config;
    this.gate = gate;
    this.preflight = report;
    this.makeDriver = options.makeDriver;
    this.write = options.write ?? ((text) => process.stderr.write(text));
    this.log = new BootLog({ part: options.part, logFile: join(options.config.reportsDir, options.part, 'boot.log'), write: this.write });
    if (report) this.timings.preflight = report.durationMs;
    this.lock = lock;
    this.startHandover = options.handover ?? ((folder) => DetachedTeardown.start(folder));
    this.cleanup.onChange = () => this.updatePlan();
    this.always.onChange = () => this.updatePlan();
    if (gate.kind === 'run') this.guard = new InterruptGuard(() => this.handOver(), { source: options.signals, exit: options.exit });
  }

  static async open<D extends PartDriver>(options: SessionOptions<D>): Promise<PartSession<D>> {
    let gate = options.gate;
    let report: PreflightReport | undefined;
    if (!gate && options.absent) gate = { kind: 'skip', message: `skipped: ${options.absent}` };
    if (!gate) {
      report = await preflight(options.part, { runner: options.runner, env: options.env ?? process.env });
      gate = gateFor(report, options.config.live);
      if (gate.kind === 'run' && options.readiness) gate = gateForHost(await options.readiness(), options.config.live);
    }
    let lock: HostLock | undefined;
    if (gate.kind === 'run') {
      const taken = HostLock.acquire(options.part, options.lockPath);
      if (taken instanceof HostLock) lock = taken;
      else
        gate = {
          kind: 'fail',
          message: `another live run holds this host: ${describeHolder(taken.heldBy)}. Parts share 192.168.56.110 and ports 8888/8443: wait for it to end (a teardown in progress logs to reports/<part>/teardown.log), or stop it (kill ${taken.heldBy.pids.join(' ')})`,
        };
    }
    const session = new PartSession(options, gate, report, lock);
    if (gate.kind !== 'run') session.write(`[${options.part}] ${gate.message}\n`);
    else if (report) session.write(`[${options.part}] ${report.message}\n`);
    return session;
  }

  get driver(): D {
    if (!this.driverValue) throw new Error('the part has not been booted');
    return this.driverValue;
  }

  get signal(): AbortSignal {
    return this.guard?.signal ?? new AbortController().signal;
  }

  /** Boots once; every check awaits the same boot. */
  boot(): Promise<BootState> {
    this.booting ??= (async (): Promise<BootState> => {
      const started = Date.now();
      try {
        this.handover = this.startHandover(join(this.config.reportsDir, this.part));
        if (this.handover.pid) this.lock?.addHolder(this.handover.pid);
        this.updatePlan();
        this.driverValue = await this.makeDriver(this.log);
        await this.driverValue.boot({
          log: this.log,
          timings: this.timings,
          budgetMs: this.config.bootTimeout * 1000,
          signal: this.signal,
          cleanup: this.cleanup,
          always: this.always,
        });
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error as Error };
      } finally {
        this.timings.boot = Date.now() - started;
      }
    })();
    return this.booting;
  }

  get booted(): boolean {
    return this.booting !== undefined;
  }

  record(id: string, outcome: CheckOutcome): void {
    this.outcomes.set(id, outcome);
    this.updatePlan();
  }

  /** What an interrupted teardown would do now: every cleanup of checks, then the boot's by IOT_KEEP. */
  teardownPlan(): TeardownPlan {
    const failed = this.failedChecks;
    const action = teardownAction(this.config.keep, 'interrupted', failed.length);
    const steps = [...this.always.pending(), ...(action === 'destroy' ? this.cleanup.pending() : [])].map((step) => ({
      name: step.name,
      ...(step.detached ? { detached: step.detached } : {}),
    }));
    const reason =
      this.config.keep === 'always' ? 'IOT_KEEP=always' : `IOT_KEEP=${this.config.keep} and ${failed.join(', ')} failed before Ctrl-C`;
    return {
      part: this.part,
      steps,
      ...(action === 'keep' ? { kept: keepNotice(this.part, reason, this.driverValue?.cleanupCommands() ?? []) } : {}),
      ...(this.lock ? { lock: { path: this.lock.path, pids: this.lockPids() } } : {}),
    };
  }

  private lockPids(): number[] {
    return [process.pid, ...(this.handover?.pid ? [this.handover.pid] : [])];
  }

  private updatePlan(): void {
    if (!this.handover || this.finished) return;
    try {
      this.handover.update(this.teardownPlan());
    } catch (error) {
      this.write(`[${this.part}] cannot write the teardown plan: ${(error as Error).message}\n`);
    }
  }

  /**
   * First Ctrl-C: the detached process takes the teardown over, synchronously, before vitest's watchdog ends
   * this process; what it does goes to reports/<part>/teardown.log.
   */
  handOver(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.handover) {
      this.lock?.release();
      return;
    }
    this.handover.update(this.teardownPlan());
    this.handover.takeOver();
    this.write(
      `[${this.part}] interrupted: the teardown continues in the background (pid ${this.handover.pid ?? '?'}); follow it with tail -f ${this.handover.logFile}\n`,
    );
  }

  get failedChecks(): string[] {
    return [...this.outcomes.entries()].filter(([, o]) => o.status === 'fail').map(([id]) => id);
  }

  /** Teardown by IOT_KEEP, once: at the end of the file, or on Ctrl-C. */
  async finish(): Promise<void> {
    if (this.finished) return;
    try {
      await this.tearDown();
    } finally {
      this.finished = true;
      this.handover?.dismiss();
      this.lock?.release();
    }
  }

  private async tearDown(): Promise<void> {
    this.guard?.dispose();
    if (!this.booted) return;
    const started = Date.now();
    for (const error of await this.always.runAll((text) => this.log.note(text))) this.write(`[${this.part}] cleanup problem: ${error}\n`);
    const failed = this.failedChecks;
    const outcome = outcomeOf(failed.length, this.guard?.interrupted ?? false);
    const action = teardownAction(this.config.keep, outcome, failed.length);
    if (action === 'destroy') {
      this.log.note(`teardown (IOT_KEEP=${this.config.keep}, run ${outcome}): destroying what the boot created`);
      const errors = await this.cleanup.runAll((text) => this.log.note(text));
      for (const error of errors) this.write(`[${this.part}] teardown problem: ${error}\n`);
      if (errors.length && this.driverValue)
        this.write(`${keepNotice(this.part, 'teardown was incomplete', this.driverValue.cleanupCommands())}\n`);
    } else {
      const reason =
        this.config.keep === 'always'
          ? 'IOT_KEEP=always'
          : `IOT_KEEP=${this.config.keep} and ${failed.length ? `${failed.join(', ')} failed` : 'the run did not finish'}`;
      this.write(`${keepNotice(this.part, reason, this.driverValue?.cleanupCommands() ?? [])}\n`);
    }
    this.timings.teardown = Date.now() - started;
    await this.writeTimings(outcome, action).catch(() => {});
  }

  /** reports/<part>/timings.json: every phase of the run, teardown included (it ends after the checks report). */
  async writeTimings(outcome: string, action: string): Promise<string> {
    const folder = join(this.config.reportsDir, this.part);
    makeFolder(folder);
    const file = join(folder, 'timings.json');
    const checks = Object.fromEntries(this.outcomes);
    await writeFile(file, `${JSON.stringify({ part: this.part, outcome, teardown: action, timingsMs: this.timings, checks }, null, 2)}\n`);
    return toPosix(relative(PROJECT_ROOT, file));
  }
}
