// Part 2 — three apps behind one Ingress, read from the files (CHECKS.md, "Part 2", static table).
import { describe } from 'vitest';
import { partTwo } from '../../helpers/checks/parts.ts';
import { sheet } from '../../helpers/sheet/sheet.ts';

describe('Part 2 — three apps behind one Ingress', () => {
  sheet(partTwo['P2-VAGRANTFILE']);
  sheet(partTwo['P2-MACHINE']);
  sheet(partTwo['P2-K3S-SERVER']);
  sheet(partTwo['P2-MANIFESTS']);
  sheet(partTwo['P2-INGRESS-HOSTS']);
  sheet(partTwo['P2-INGRESS-DEFAULT']);
  sheet(partTwo['P2-BACKENDS']);
  sheet(partTwo['P2-THREE-APPS']);
  sheet(partTwo['P2-APP2-REPLICAS']);
});
