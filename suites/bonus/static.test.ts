// Bonus — GitLab, read from the files (CHECKS.md, "Bonus"); every check skips without a bonus part.
import { describe } from 'vitest';
import { check } from '../../helpers/checks/sheet.ts';

describe('Bonus — GitLab', () => {
  check('B-LAYOUT');
  check('B-GITLAB');
  check('B-ARGOCD-GITLAB');
});
