// General checks of the target repository (CHECKS.md, "General").
import { describe } from 'vitest';
import { check } from '../../helpers/checks/sheet.ts';

describe('General', () => {
  check('G-LAYOUT');
  check('G-SHELL-SYNTAX');
  check('G-YAML');
  check('G-SHELLCHECK');
  check('G-NO-SECRETS');
});
