// Bonus — GitLab, read from the files (CHECKS.md, "Bonus"); every check skips without a bonus part.
import { describe } from 'vitest';
import { bonus } from '../../helpers/checks/parts.ts';
import { sheet } from '../../helpers/sheet/sheet.ts';

describe('Bonus — GitLab', () => {
  sheet(bonus['B-LAYOUT']);
  sheet(bonus['B-GITLAB']);
  sheet(bonus['B-ARGOCD-GITLAB']);
});
