// Runs static checks against a target. A check that throws is a bug of the grader, never of the
// student: it is reported as such on that check, and grading goes on.
import { CATALOG, checkSpec, type StaticCheckId } from '../catalog/checks.ts';
import type { Config } from '../config/env.ts';
import { LayoutMapError } from '../target/layout.ts';
import { prefetchShellchecks } from '../shell/shellcheck.ts';
import { openTarget, TargetError } from '../target/repository.ts';
import { GradingContext } from '../target/grading-context.ts';
import type { StaticCheckDeclaration } from './declare.ts';
import { bonus, general, partOne, partThree, partTwo } from './parts.ts';
import { fail, skip, type CheckResult } from './result.ts';

export const STATIC_CHECKS: Readonly<Record<StaticCheckId, StaticCheckDeclaration>> = {
  ...general,
  ...partOne,
  ...partTwo,
  ...partThree,
  ...bonus,
};

export const STATIC_IDS: readonly StaticCheckId[] = CATALOG.filter((spec) => spec.tier === 'static').map(
  (spec) => spec.id as StaticCheckId,
);

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

const isStaticId = (id: string): id is StaticCheckId => Object.hasOwn(STATIC_CHECKS, id);

/** One check's result in this grading, computed once however many suites or dependents ask for it. */
export async function runCheck(grading: GradingContext | { unreadable: string }, id: string): Promise<CheckResult> {
  if (!(grading instanceof GradingContext)) {
    return id === 'G-LAYOUT'
      ? fail(id, `the target cannot be read: ${grading.unreadable}`, 'fix the problem named above and grade again')
      : skip(id, 'skipped: G-LAYOUT failed (the target cannot be read)');
  }
  const { cause: _cause, ...result } = await outcomeOf(grading, id);
  return result;
}

function outcomeOf(grading: GradingContext, id: string): Promise<CheckResult> {
  return grading.once(`static check ${id}`, async () => {
    const declaration = isStaticId(id) ? STATIC_CHECKS[id] : undefined;
    if (!declaration?.body)
      return fail(id, `the grader has no implementation of ${id}`, 'this is a bug of the conformance suite: report it');
    const absent = partAbsence(grading, id);
    if (absent) return absent;
    const needs = await Promise.all(declaration.needs.map((need) => outcomeOf(grading, need)));
    const blocked = needs.find((need) => need.status !== 'pass');
    if (blocked) return skipFor(id, blocked);
    try {
      return { ...(await declaration.body(grading)), id };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return fail(
        id,
        `the grader failed while checking ${id}: ${reason}`,
        'this is a bug of the conformance suite, not of the graded repository: report it with the repository',
      );
    }
  });
}

/**
 * Every check of a part needs the part: without it, the check skips naming G-LAYOUT, which fails for a
 * missing part; the bonus is optional, so its checks just say it is absent.
 */
function partAbsence(grading: GradingContext, id: string): CheckResult | undefined {
  const { part } = checkSpec(id);
  if (part === 'general' || grading.target.hasPart(part)) return undefined;
  return skip(id, part === 'bonus' ? 'skipped: the target has no bonus part' : `skipped: G-LAYOUT failed (part ${part} is missing)`);
}

/** One root cause, one failure: a failed need is named with its cause; a skipped need passes its skip on. */
function skipFor(id: string, need: CheckResult): CheckResult {
  if (need.status === 'skip') return skip(id, need.message, need.locations);
  return skip(id, `skipped: ${need.id} failed${need.cause ? ` (${need.cause})` : ''}`, need.locations);
}

/** Grades the checks concurrently, each awaiting its needs; results come in the order of `ids`. */
export async function gradeStatic(config: Config, ids: readonly string[] = STATIC_IDS): Promise<CheckResult[]> {
  const grading = await openGrading(config);
  return Promise.all(ids.map((id) => runCheck(grading, id)));
}
