// Part 1 — K3s and Vagrant, read from the files (CHECKS.md, "Part 1", static table).
import { describe } from 'vitest';
import { check } from '../../helpers/checks/sheet.ts';

describe('Part 1 — K3s and Vagrant', () => {
  check('P1-VAGRANTFILE');
  check('P1-MACHINES');
  check('P1-NAMES');
  check('P1-IPS');
  check('P1-RESOURCES');
  check('P1-BOX');
  check('P1-K3S-SERVER');
  check('P1-K3S-AGENT');
  check('P1-NODE-IP');
});
