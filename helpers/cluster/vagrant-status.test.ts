import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { machineRoles, parseVagrantStatus } from './vagrant-status.ts';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('vagrant status --machine-readable', () => {
  test('three running VirtualBox machines (captured output)', () => {
    expect(parseVagrantStatus(fixture('vagrant-status-running.txt'))).toEqual([
      { name: 'vagrant1', state: 'running', provider: 'virtualbox' },
      { name: 'vagrant2', state: 'running', provider: 'virtualbox' },
      { name: 'vagrant3', state: 'running', provider: 'virtualbox' },
    ]);
  });

  test('a powered-off machine (captured output)', () => {
    expect(parseVagrantStatus(fixture('vagrant-status-poweroff.txt'))).toEqual([
      { name: 'default', state: 'poweroff', provider: 'virtualbox' },
    ]);
  });

  test('not created, and escaped commas', () => {
    const out =
      '1700000000,wilS,metadata,provider,virtualbox\n1700000000,wilS,state,not_created\n1700000000,wilSW,state,a%!(VAGRANT_COMMA)b\n';
    expect(parseVagrantStatus(out)).toEqual([
      { name: 'wilS', state: 'not_created', provider: 'virtualbox' },
      { name: 'wilSW', state: 'a,b' },
    ]);
  });
});

describe('machine roles (CHECKS.md: <login>S is the server, else the first machine)', () => {
  test('by name', () => {
    expect(machineRoles(['wilSW', 'wilS'])).toEqual({ server: 'wilS', worker: 'wilSW' });
  });
  test('names without the form: first is the server', () => {
    expect(machineRoles(['master', 'node'])).toEqual({ server: 'master', worker: 'node' });
  });
  test('one machine (Part 2)', () => {
    expect(machineRoles(['wilS'])).toEqual({ server: 'wilS', worker: undefined });
  });
});
