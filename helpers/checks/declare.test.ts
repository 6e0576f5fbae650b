// A part's needs are checked when it is declared: each need comes earlier in the catalog, so needs never cycle.
import { expect, test } from 'vitest';
import type { StaticCheck } from './context.ts';
import { check, definePart } from './declare.ts';

const body: StaticCheck = async () => ({ id: 'B-LAYOUT', status: 'pass', message: 'fine', locations: [] });
/** A topic module holding a body for every bonus check. */
const bonusTopic = async () => ({ 'B-LAYOUT': body, 'B-GITLAB': body, 'B-ARGOCD-GITLAB': body, 'P3-K3D': body });

test('a need that comes later in the catalog is refused, naming both checks and the fix', () => {
  expect(() =>
    definePart('bonus', {
      'B-LAYOUT': check('B-LAYOUT', ['B-GITLAB'], bonusTopic),
      'B-GITLAB': check('B-GITLAB', [], bonusTopic),
      'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', [], bonusTopic),
    }),
  ).toThrow('B-LAYOUT (part bonus) needs B-GITLAB, which does not come before it in the catalog: reorder the needs');
});

test('needs on earlier checks, in this part or another, are accepted', () => {
  const bonus = definePart('bonus', {
    'B-LAYOUT': check('B-LAYOUT', ['G-LAYOUT'], bonusTopic),
    'B-GITLAB': check('B-GITLAB', ['B-LAYOUT', 'P3-NAMESPACES'], bonusTopic),
    'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', ['B-GITLAB'], bonusTopic),
  });
  expect(bonus['B-GITLAB'].needs).toEqual(['B-LAYOUT', 'P3-NAMESPACES']);
});
