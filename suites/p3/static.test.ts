// Part 3 — K3d and Argo CD, read from the files (CHECKS.md, "Part 3", static table).
import { describe } from 'vitest';
import { partThree } from '../../helpers/checks/parts.ts';
import { sheet } from '../../helpers/sheet/sheet.ts';

describe('Part 3 — K3d and Argo CD', () => {
  sheet(partThree['P3-INSTALL']);
  sheet(partThree['P3-K3D']);
  sheet(partThree['P3-NAMESPACES']);
  sheet(partThree['P3-ARGOCD-INSTALL']);
  sheet(partThree['P3-ARGOCD-PINNED']);
  sheet(partThree['P3-APPLICATION']);
  sheet(partThree['P3-AUTOSYNC']);
  sheet(partThree['P3-SELFHEAL']);
  sheet(partThree['P3-REPO-LOGIN']);
  sheet(partThree['P3-IMAGE']);
});
