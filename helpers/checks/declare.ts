// Static checks declared the way the live ones are: `check(id, needs, body)`, grouped per part in one
// object keyed by ID. The grader (grade.ts) skips a check whose need failed or skipped, so a body only
// judges what its needs leave to it. A body is named by its topic module, loaded when one of its checks
// is first graded: the suites, which only read the results of the run's grading, load no grader code.
import { CATALOG, type Part, type StaticCheckId, type StaticIdsOfPart } from '../catalog/checks.ts';
import type { StaticCheck } from './context.ts';

/** Where a check's body is: the checks of its topic module, loaded on demand; the check's ID must be among them. */
export type Topic<Id extends StaticCheckId = StaticCheckId> = () => Promise<{ readonly [K in Id]: StaticCheck }>;

export interface StaticCheckDeclaration<Id extends StaticCheckId = StaticCheckId> {
  readonly id: Id;
  /** Checks whose failure makes this one meaningless: it is skipped naming them, and its body does not run. */
  readonly needs: readonly StaticCheckId[];
  /** Judges the target: the body of this ID in its topic module, loaded on the first call. */
  readonly body: StaticCheck;
}

/** Declares one static check of the catalog: its ID, the checks it needs, and the topic module whose body judges the target. */
export function check<Id extends StaticCheckId>(id: Id, needs: readonly StaticCheckId[], topic: Topic<Id>): StaticCheckDeclaration<Id> {
  return { id, needs, body: async (ctx) => (await topic())[id](ctx) };
}

/** A part's static checks: exactly its catalog IDs, each keyed by its own ID. */
export type PartChecks<P extends Part> = { readonly [Id in StaticIdsOfPart[P]]: StaticCheckDeclaration<Id> };

const catalogOrder = new Map(CATALOG.map((spec, index) => [spec.id, index]));

/** Keys of a part object that are not the part's catalog IDs: there must be none. */
type Extra<P extends Part, Checks> = { readonly [Id in Exclude<keyof Checks, StaticIdsOfPart[P]>]: never };

/**
 * The part's declarations, checked at load: the type demands every catalog ID of the part once, keyed by its own
 * ID, and returns the literal's own type so that go-to-definition on `partTwo['P2-MACHINE']` reaches the
 * declaration; here each need must come earlier in the catalog, which keeps the needs free of cycles.
 */
export function definePart<P extends Part, Checks extends PartChecks<P>>(part: P, checks: Checks & Extra<P, Checks>): Checks {
  for (const declaration of Object.values<StaticCheckDeclaration>(checks)) {
    const order = catalogOrder.get(declaration.id) ?? -1;
    for (const need of declaration.needs) {
      if ((catalogOrder.get(need) ?? Number.POSITIVE_INFINITY) >= order)
        throw new Error(`${declaration.id} (part ${part}) needs ${need}, which does not come before it in the catalog: reorder the needs`);
    }
  }
  return checks;
}
