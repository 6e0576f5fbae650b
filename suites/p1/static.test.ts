// Part 1 — K3s and Vagrant, read from the files (CHECKS.md, "Part 1", static table).
import { describe } from 'vitest';
import { partOne } from '../../helpers/checks/parts.ts';
import { sheet } from '../../helpers/sheet/sheet.ts';

describe('Part 1 — K3s and Vagrant', () => {
  sheet(partOne['P1-VAGRANTFILE']);
  sheet(partOne['P1-MACHINES']);
  sheet(partOne['P1-NAMES']);
  sheet(partOne['P1-IPS']);
  sheet(partOne['P1-RESOURCES']);
  sheet(partOne['P1-BOX']);
  sheet(partOne['P1-K3S-SERVER']);
  sheet(partOne['P1-K3S-AGENT']);
  sheet(partOne['P1-NODE-IP']);
});
