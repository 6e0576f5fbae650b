import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { LAYOUT_MAP_FILE, parseLayoutMap, subjectLayout } from './layout.ts';

describe('layout map', () => {
  test('the subject layout: a Vagrantfile in p1/ and p2/, scripts/ and confs/ in every part', () => {
    const layout = subjectLayout();
    expect(layout.parts.p1).toEqual({ roots: ['p1'], vagrantfile: 'p1/Vagrantfile', scripts: ['p1/scripts'], confs: ['p1/confs'] });
    expect(layout.parts.p3.vagrantfile).toBeUndefined();
  });

  test("this project's map declares its own folders", () => {
    const layout = parseLayoutMap(readFileSync(join(PROJECT_ROOT, LAYOUT_MAP_FILE), 'utf8'));
    expect(layout.parts.p1.vagrantfile).toBe('vagrant/p1/Vagrantfile');
    expect(layout.parts.p2.roots).toEqual(['vagrant/p2', 'manifests/p2']);
    expect(layout.parts.p3.scripts).toEqual(['manifests/p3/scripts']);
  });

  test.each([
    ['parts: [', 'not valid YAML'],
    ['other: 1', 'expected a top-level "parts:" mapping'],
    ['parts:\n  p1: {roots: [a], scripts: [a/s], confs: [a/c]}\n  p2: {roots: [b], scripts: [b/s], confs: [b/c]}', 'parts.p3 is missing'],
    ['parts:\n  p1: {roots: [../elsewhere], scripts: [s], confs: [c]}', 'must stay inside the repository'],
    ['parts:\n  p1: {roots: a, scripts: [s], confs: [c], vagrant: x}', 'unknown field vagrant'],
    ['parts:\n  p4: {}', 'parts.p1 is missing'],
  ])('a broken map is named with what to fix: %s', (text, message) => {
    expect(() => parseLayoutMap(text)).toThrow(message);
  });
});
