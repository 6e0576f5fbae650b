// Type-level self-test, checked by `tsc -p .` (helpers/ci/typecheck.test.ts): check IDs come from the
// catalog, so an ID that is not in it does not compile. Each @ts-expect-error fails the typecheck if the
// line below it compiles.
import type { BonusStaticId, CheckId, LiveCheckId, P1StaticId, P2StaticId, StaticCheckId } from './checks.ts';

export const staticId: StaticCheckId = 'P2-MACHINE';
export const liveId: LiveCheckId = 'P2L-NODE';
export const anyId: CheckId = 'G-LAYOUT';
export const partTwoId: P2StaticId = 'P2-APP2-REPLICAS';

// @ts-expect-error a typo in an ID does not compile
export const typo: StaticCheckId = 'P2-MACHNE';
// @ts-expect-error a live ID is not a static one
export const liveAsStatic: StaticCheckId = 'P2L-NODE';
// @ts-expect-error an ID of another part is not one of Part 1's
export const otherPart: P1StaticId = 'P2-MACHINE';
// @ts-expect-error the bonus has no Part 3 check
export const bonusOfPartThree: BonusStaticId = 'P3-K3D';
