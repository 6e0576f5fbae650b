// Type-level self-test, checked by `tsc -p .` (helpers/ci/typecheck.test.ts): a part object holds exactly its
// catalog IDs, each keyed by its own ID. Each @ts-expect-error fails the typecheck if the line below it compiles.
import type { StaticCheck } from './context.ts';
import { check, definePart } from './declare.ts';

const body: StaticCheck = async () => ({ id: 'B-LAYOUT', status: 'pass', message: 'fine', locations: [] });

export const complete = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], body),
  'B-GITLAB': check('B-GITLAB', ['B-LAYOUT'], body),
  'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', ['B-GITLAB'], body),
});

// @ts-expect-error a part that forgets one of its catalog IDs does not compile
export const forgetful = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], body),
  'B-GITLAB': check('B-GITLAB', [], body),
});

export const keyedWrong = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], body),
  // @ts-expect-error a declaration keyed by another check's ID does not compile
  'B-GITLAB': check('B-ARGOCD-GITLAB', [], body),
  'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', [], body),
});

export const intruder = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], body),
  'B-GITLAB': check('B-GITLAB', [], body),
  'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', [], body),
  // @ts-expect-error a check of another part does not belong to this one
  'P3-K3D': check('P3-K3D', [], body),
});

// @ts-expect-error a need that is not a catalog ID does not compile
export const typoNeed = check('B-GITLAB', ['B-LAYUOT'], body);
