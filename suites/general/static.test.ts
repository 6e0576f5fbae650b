// General checks of the target repository (CHECKS.md, "General").
import { describe } from 'vitest';
import { general } from '../../helpers/checks/parts.ts';
import { sheet } from '../../helpers/sheet/sheet.ts';

describe('General', () => {
  sheet(general['G-LAYOUT']);
  sheet(general['G-SHELL-SYNTAX']);
  sheet(general['G-YAML']);
  sheet(general['G-SHELLCHECK']);
  sheet(general['G-NO-SECRETS']);
});
