// Static checks declared the way the live ones are: `check(id, needs, body)`, grouped per part in one
// object keyed by ID. The grader (grade.ts) skips a check whose need failed or skipped, so a body only
// judges what its needs leave to it.
import { CATALOG, type Part, type StaticCheckId, type StaticIdsOfPart } from '../catalog/checks.ts';
import type { StaticCheck } from './context.ts';

export interface StaticCheckDeclaration<Id extends StaticCheckId = StaticCheckId> {
  readonly id: Id;
  /** Checks whose failure makes this one meaningless: it is skipped naming them, and its body does not run. */
  readonly needs: readonly StaticCheckId[];
  readonly body: StaticCheck;
}

/** Declares one static check of the catalog: its ID, the checks it needs, and the body that judges the target. */
export function check<Id extends StaticCheckId>(id: Id, needs: readonly StaticCheckId[], body: StaticCheck): StaticCheckDeclaration<Id> {
  return { id, needs, body };
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
