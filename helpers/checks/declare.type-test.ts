// Type-level self-test, checked by `tsc -p .` (helpers/ci/typecheck.test.ts): a part object holds exactly its
// catalog IDs, each keyed by its own ID. Each @ts-expect-error fails the typecheck if the line below it compiles.
import type { StaticCheck } from './context.ts';
import { check, definePart } from './declare.ts';

const body: StaticCheck = async () => ({ id: 'B-LAYOUT', status: 'pass', message: 'fine', locations: [] });
/** A topic module holding a body for every bonus check. */
const bonusTopic = async () => ({ 'B-LAYOUT': body, 'B-GITLAB': body, 'B-ARGOCD-GITLAB': body, 'P3-K3D': body });

export const complete = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], bonusTopic),
  'B-GITLAB': check('B-GITLAB', ['B-LAYOUT'], bonusTopic),
  'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', ['B-GITLAB'], bonusTopic),
});

// @ts-expect-error a part that forgets one of its catalog IDs does not compile
export const forgetful = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], bonusTopic),
  'B-GITLAB': check('B-GITLAB', [], bonusTopic),
});

export const keyedWrong = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], bonusTopic),
  // @ts-expect-error a declaration keyed by another check's ID does not compile
  'B-GITLAB': check('B-ARGOCD-GITLAB', [], bonusTopic),
  'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', [], bonusTopic),
});

export const intruder = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], bonusTopic),
  'B-GITLAB': check('B-GITLAB', [], bonusTopic),
  'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', [], bonusTopic),
  // @ts-expect-error a check of another part does not belong to this one
  'P3-K3D': check('P3-K3D', [], bonusTopic),
});

// @ts-expect-error a need that is not a catalog ID does not compile
export const typoNeed = check('B-GITLAB', ['B-LAYUOT'], bonusTopic);

// @ts-expect-error a topic module without a body for the ID does not compile
export const bodiless = check('P3-IMAGE', [], bonusTopic);
