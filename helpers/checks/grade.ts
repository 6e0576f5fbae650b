// Runs static checks against a target. A check that throws is a bug of the grader, never of the
// student: it is reported as such on that check, and grading goes on.
import { CATALOG } from '../catalog/checks.ts';
import type { Config } from '../config/env.ts';
import { LayoutMapError } from '../target/layout.ts';
import { prefetchShellchecks } from '../shell/shellcheck.ts';
import { openTarget, TargetError } from '../target/repository.ts';
import type { StaticChecks } from './context.ts';
import { GradingContext } from '../target/grading-context.ts';
import { gitopsChecks } from './gitops.ts';
import { ingressChecks } from './ingress.ts';
import { layoutChecks } from './layout.ts';
import { machineChecks } from './machines.ts';
import { provisioningChecks } from './provisioning.ts';
import { fail, skip, type CheckResult } from './result.ts';
import { secretChecks } from './secrets.ts';

export const STATIC_CHECKS: StaticChecks = {
  ...layoutChecks,
  ...secretChecks,
  ...provisioningChecks,
  ...ingressChecks,
  ...machineChecks,
  ...gitopsChecks,
};

export const STATIC_IDS: readonly string[] = CATALOG.filter((spec) => spec.tier === 'static').map((spec) => spec.id);

/** Opens the target for grading; a target that cannot be read gives a reason instead. */
export async function openGrading(config: Config): Promise<GradingContext | { unreadable: string }> {
  try {
    const target = await openTarget(config.repo);
    prefetchShellchecks(target.files);
    return new GradingContext(config, target);
  } catch (error) {
    if (error instanceof TargetError || error instanceof LayoutMapError) return { unreadable: error.message };
    throw error;
  }
}

export async function runCheck(grading: GradingContext | { unreadable: string }, id: string): Promise<CheckResult> {
  if (!(grading instanceof GradingContext)) {
    return id === 'G-LAYOUT'
      ? fail(id, `the target cannot be read: ${grading.unreadable}`, 'fix the problem named above and grade again')
      : skip(id, 'skipped: G-LAYOUT failed (the target cannot be read)');
  }
  const check = STATIC_CHECKS[id];
  if (!check) return fail(id, `the grader has no implementation of ${id}`, 'this is a bug of the conformance suite: report it');
  try {
    const result = await check(grading);
    return { ...result, id };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(
      id,
      `the grader failed while checking ${id}: ${reason}`,
      'this is a bug of the conformance suite, not of the graded repository: report it with the repository',
    );
  }
}

export async function gradeStatic(config: Config, ids: readonly string[] = STATIC_IDS): Promise<CheckResult[]> {
  const grading = await openGrading(config);
  const results: CheckResult[] = [];
  for (const id of ids) results.push(await runCheck(grading, id));
  return results;
}
