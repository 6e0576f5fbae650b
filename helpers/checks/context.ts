// The shape of a static check; the facts it reads come from the GradingContext (helpers/target).
import type { GradingContext } from '../target/grading-context.ts';
import type { CheckResult } from './result.ts';

/** A static check: reads facts from the context and judges them. It never throws on a user's input. */
export type StaticCheck = (ctx: GradingContext) => Promise<CheckResult>;
export type StaticChecks = Record<string, StaticCheck>;
