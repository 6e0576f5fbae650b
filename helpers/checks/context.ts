// The shape of a static check; the facts it reads come from the GradingContext (helpers/target).
import type { StaticCheckId } from '../catalog/checks.ts';
import type { GradingContext } from '../target/grading-context.ts';
import type { CheckResult } from './result.ts';

/** A static check: reads facts from the context and judges them. It never throws on a user's input. */
export type StaticCheck = (ctx: GradingContext) => Promise<CheckResult>;
/** A topic module's checks, keyed by catalog ID (written with `satisfies`, so that its keys stay known to parts.ts). */
export type StaticChecks = { readonly [Id in StaticCheckId]?: StaticCheck };
