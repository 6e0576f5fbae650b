// The vitest side of the live tiers: a file-scoped `session` fixture (preflight → one boot → teardown by
// IOT_KEEP) and `check(id, needs, body)`, which titles the test from the catalog, gates it (skip, or fail
// fast with IOT_LIVE=1), skips it when what it needs failed, collects evidence when it fails, and records
// the outcome on task.meta.iot for the reporter.
import { test } from 'vitest';
import { checkSpec } from '../catalog/checks.ts';
import { config, type Config } from '../config/env.ts';
import type { CheckMeta } from '../checks/meta.ts';
import { openTarget, type Target } from '../target/repository.ts';
import type { BootLog } from './boot.ts';
import { ZxRunner, type CommandRunner } from './command-runner.ts';
import { precondition } from './check-dependencies.ts';
import { collectEvidence } from './evidence.ts';
import { ExpectationFailed, ExpectationTimeout, waitFor, type Expectation, type PollResult } from './expectation.ts';
import { PartSession, type PartDriver } from './part-session.ts';
import type { SubjectPart } from '../target/layout.ts';
import type { HostProblem } from './live-gate.ts';

/** A check's own verdict of failure, with what to change. */
export class CheckFailure extends Error {
  readonly fix?: string;
  constructor(message: string, fix?: string) {
    super(message);
    this.name = 'CheckFailure';
    this.fix = fix;
  }
}

/** The check does not apply (CHECKS.md says `skip`), with the reason. */
export class CheckSkip extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckSkip';
  }
}

export interface CheckContext<D extends PartDriver> {
  session: PartSession<D>;
  driver: D;
  config: Config;
  target: Target;
  runner: CommandRunner;
  log: BootLog;
  /** This check's phases in ms. */
  timings: Record<string, number>;
  /** Polls an expectation within IOT_ASSERT_TIMEOUT (or timeoutMs), timing it under `phase`. */
  poll(description: string, expectation: Expectation, options?: { timeoutMs?: number; phase?: string }): Promise<PollResult>;
  /** Times a step of the check under its name. */
  step<T>(name: string, body: () => Promise<T>): Promise<T>;
}

export interface DriverFactoryContext {
  config: Config;
  target: Target;
  runner: CommandRunner;
  log: BootLog;
}

export interface LivePartOptions<D extends PartDriver> {
  part: SubjectPart;
  /** The check that owns a boot failure (P1L-UP, P2L-UP, P3L-CLUSTER, BL-GITLAB). */
  bootOwner: string;
  driver: (ctx: DriverFactoryContext) => D | Promise<D>;
  /** Why the target has nothing to grade for this part (bonus absent); undefined when it has. */
  absent?: (target: Target) => string | undefined;
  /** What stands in the way on this host once the tools are there (preflight's second half, host-readiness.ts). */
  readiness?: (ctx: Omit<DriverFactoryContext, 'log'>) => Promise<HostProblem[]>;
  runner?: CommandRunner;
}

export type CheckBody<D extends PartDriver> = (ctx: CheckContext<D>) => Promise<string>;

const firstLine = (text: string): string => text.split('\n')[0] ?? text;

function fixFor(error: unknown, config: Config): string | undefined {
  if (error instanceof CheckFailure) return error.fix;
  if (error instanceof ExpectationTimeout)
    return `read the evidence files; if the host is only slow, raise IOT_ASSERT_TIMEOUT (now ${config.assertTimeout} s)`;
  if (error instanceof ExpectationFailed) return 'read the evidence files for the cause';
  return undefined;
}

export function liveSuite<D extends PartDriver>(options: LivePartOptions<D>) {
  const cfg = config();
  const runner = options.runner ?? new ZxRunner();
  const timeout = (cfg.bootTimeout * 4 + cfg.assertTimeout * 8 + 600) * 1000;

  let openedTarget: Target | undefined;
  const liveTest = test.extend('session', { scope: 'file' }, async ({}, { onCleanup }) => {
    const target = await openTarget(cfg.repo);
    openedTarget = target;
    const session = await PartSession.open<D>({
      part: options.part,
      config: cfg,
      runner,
      absent: options.absent?.(target),
      readiness: options.readiness ? () => options.readiness!({ config: cfg, target, runner }) : undefined,
      makeDriver: (log) => options.driver({ config: cfg, target, runner, log }),
    });
    onCleanup(() => session.finish());
    return session;
  });

  function check(id: string, needs: string[], body: CheckBody<D>): void {
    const spec = checkSpec(id);
    if (spec.tier !== 'live') throw new Error(`${id} is not a live check`);
    liveTest(`${id}: ${spec.title}`, { timeout }, async ({ session, task, skip }) => {
      const started = Date.now();
      const timings: Record<string, number> = {};
      const meta = (status: CheckMeta['status'], message: string, extra: Partial<CheckMeta> = {}): void => {
        timings.total = Date.now() - started;
        task.meta.iot = { id, status, message, locations: [], timings: { ...timings }, ...extra };
      };
      const skipWith = (message: string, root?: string): never => {
        meta('skip', message);
        session.record(id, { status: 'skip', root });
        return skip(message);
      };
      const failWith = async (error: unknown): Promise<never> => {
        const message = error instanceof Error ? error.message : String(error);
        const evidenceStarted = Date.now();
        const sources = session.booted ? safeEvidence(session) : [];
        const evidence = await collectEvidence({
          reportsDir: cfg.reportsDir,
          part: options.part,
          checkId: id,
          sources,
          extra: { 'failure.txt': message },
        }).catch(() => undefined);
        timings.evidence = Date.now() - evidenceStarted;
        const bootLog = `${evidence?.folder.replace(/\/[^/]+$/, '') ?? `reports/${options.part}`}/boot.log`;
        const files = [...(evidence?.files ?? []), ...(session.booted ? [bootLog] : [])];
        const where = evidence
          ? `\n  evidence: ${evidence.folder}/ (${evidence.files.map((f) => f.split('/').pop()).join(', ')})${session.booted ? `; boot log: ${bootLog}` : ''}`
          : '';
        meta('fail', `${message}${where}`, { fix: fixFor(error, cfg), evidence: files });
        session.record(id, { status: 'fail' });
        const failure = new Error(`${message}${where}`);
        failure.stack = failure.message;
        throw failure;
      };

      if (session.gate.kind === 'skip') return skipWith(session.gate.message);
      if (session.gate.kind === 'fail') {
        meta('fail', session.gate.message, {
          fix: 'do what the message says (install the tool, or remove what an earlier run left on the host), then run again; without IOT_LIVE=1 a missing tool only skips',
        });
        session.record(id, { status: 'fail' });
        const failure = new Error(session.gate.message);
        failure.stack = failure.message;
        throw failure;
      }

      const boot = await session.boot();
      if (id === options.bootOwner) Object.assign(timings, session.timings);
      const before = precondition(id, options.bootOwner, needs, boot, session.outcomes);
      if (before.kind === 'boot-failure') return failWith(before.error);
      if (before.kind === 'skip') return skipWith(before.message, before.root);

      const ctx: CheckContext<D> = {
        session,
        driver: session.driver,
        config: cfg,
        target: openedTarget!,
        runner,
        log: session.log,
        timings,
        poll: async (description, expectation, pollOptions = {}) => {
          const pollStarted = Date.now();
          try {
            return await waitFor(description, expectation, {
              timeoutMs: pollOptions.timeoutMs ?? cfg.assertTimeout * 1000,
              signal: session.signal,
              onPending: (verdict, attempt) => {
                if (attempt % 5 === 0) session.log.line(`${id}: waiting for ${description} — ${firstLine(verdict.message)}`);
              },
            });
          } finally {
            const phase = pollOptions.phase ?? 'assert';
            timings[phase] = (timings[phase] ?? 0) + Date.now() - pollStarted;
          }
        },
        step: async (name, stepBody) => {
          const stepStarted = Date.now();
          try {
            return await stepBody();
          } finally {
            timings[name] = (timings[name] ?? 0) + Date.now() - stepStarted;
          }
        },
      };
      let message: string;
      try {
        message = await body(ctx);
      } catch (error) {
        if (error instanceof CheckSkip) return skipWith(error.message);
        return failWith(error);
      }
      meta('pass', message);
      session.record(id, { status: 'pass' });
    });
  }

  return { check };
}

function safeEvidence<D extends PartDriver>(session: PartSession<D>) {
  try {
    return session.driver.evidence();
  } catch {
    return [];
  }
}
