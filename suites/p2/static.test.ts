// Part 2 — three apps behind one Ingress, read from the files (CHECKS.md, "Part 2", static table).
import { describe } from 'vitest';
import { check } from '../../helpers/checks/sheet.ts';

describe('Part 2 — three apps behind one Ingress', () => {
  check('P2-VAGRANTFILE');
  check('P2-MACHINE');
  check('P2-K3S-SERVER');
  check('P2-MANIFESTS');
  check('P2-INGRESS-HOSTS');
  check('P2-INGRESS-DEFAULT');
  check('P2-BACKENDS');
  check('P2-THREE-APPS');
  check('P2-APP2-REPLICAS');
});
