// Part 3 — K3d and Argo CD, read from the files (CHECKS.md, "Part 3", static table).
import { describe } from 'vitest';
import { check } from '../../helpers/checks/sheet.ts';

describe('Part 3 — K3d and Argo CD', () => {
  check('P3-INSTALL');
  check('P3-K3D');
  check('P3-NAMESPACES');
  check('P3-ARGOCD-INSTALL');
  check('P3-ARGOCD-PINNED');
  check('P3-APPLICATION');
  check('P3-AUTOSYNC');
  check('P3-SELFHEAL');
  check('P3-REPO-LOGIN');
  check('P3-IMAGE');
});
