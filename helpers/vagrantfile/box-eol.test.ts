// The end-of-life table: box names and URLs map to releases, and dates decide support.
import { describe, expect, test } from 'vitest';
import { boxRelease, isEndOfLife, RELEASES, releaseOf } from './box-eol.ts';

const key = (text: string): string | undefined => {
  const release = releaseOf(text);
  return release && Object.entries(RELEASES).find(([, candidate]) => candidate === release)?.[0];
};

describe('box names', () => {
  test.each([
    ['debian/bookworm64', 'debian-12'],
    ['debian/bullseye64', 'debian-11'],
    ['debian/contrib-buster64', 'debian-10'],
    ['debian/trixie64', 'debian-13'],
    ['ubuntu/jammy64', 'ubuntu-22.04'],
    ['ubuntu/focal64', 'ubuntu-20.04'],
    ['hashicorp/bionic64', 'ubuntu-18.04'],
    ['hashicorp/precise64', 'ubuntu-12.04'],
    ['bento/ubuntu-22.04', 'ubuntu-22.04'],
    ['bento/ubuntu-24.04', 'ubuntu-24.04'],
    ['bento/debian-12', 'debian-12'],
    ['bento/debian-12.5', 'debian-12'],
    ['generic/ubuntu2204', 'ubuntu-22.04'],
    ['generic/ubuntu2310', 'ubuntu-23.10'],
    ['generic/debian12', 'debian-12'],
    ['generic/alpine319', 'alpine-3.19'],
    ['takesako/alpine-standard-v3.18', 'alpine-3.18'],
    ['generic/alpine3.20', 'alpine-3.20'],
    ['generic/centos7', 'centos-7'],
    ['generic/centos9s', 'centos-stream-9'],
    ['generic/rocky9', 'rocky-9'],
    ['generic/alma9', 'almalinux-9'],
    ['generic/oracle8', 'oracle-8'],
    ['generic/rhel9', 'rhel-9'],
    ['almalinux/9', 'almalinux-9'],
    ['rockylinux/8', 'rocky-8'],
    ['centos/7', 'centos-7'],
    ['centos/8', 'centos-8'],
    ['centos/stream9', 'centos-stream-9'],
    ['cloud-image/ubuntu-24.04', 'ubuntu-24.04'],
    ['cloud-image/debian-12', 'debian-12'],
    ['cloud-image/centos-stream-10', 'centos-stream-10'],
  ])('%s is %s', (box, expected) => {
    expect(key(box)).toBe(expected);
  });

  test.each(['debian/testing64', 'hashicorp-education/ubuntu', 'my/box', 'generic/fedora39', 'alpine/alpine64'])('%s is unknown', (box) => {
    expect(releaseOf(box)).toBeUndefined();
  });
});

describe('custom boxes', () => {
  test('a custom name is identified by its box_url', () => {
    const found = boxRelease('iot-base', 'https://cloud-images.ubuntu.com/focal/current/focal-server-cloudimg-amd64-vagrant.box');
    expect(found).toMatchObject({ from: 'box_url', release: { distribution: 'Ubuntu', eol: '2025-05-31' } });
  });

  test('the box name wins over the URL', () => {
    expect(boxRelease('debian/bookworm64', 'https://example.org/ubuntu-18.04.box')?.release.distribution).toBe('Debian');
  });

  test('no name, no URL: unknown', () => {
    expect(boxRelease('company/base', undefined)).toBeUndefined();
  });
});

describe('end of life on a date', () => {
  test('support lasts through the end-of-life day', () => {
    const bullseye = RELEASES['debian-11']!;
    expect(bullseye.eol).toBe('2026-08-31');
    expect(isEndOfLife(bullseye, '2026-08-31')).toBe(false);
    expect(isEndOfLife(bullseye, '2026-09-01')).toBe(true);
  });

  test('dates the brief names', () => {
    expect(RELEASES['debian-12']!.eol).toBe('2028-06-30');
    expect(RELEASES['ubuntu-20.04']!.eol).toBe('2025-05-31');
    expect(RELEASES['centos-7']!.eol).toBe('2024-06-30');
  });

  test('every release cites its source and has a real date', () => {
    for (const [name, release] of Object.entries(RELEASES)) {
      expect(release.source, name).toMatch(/^https:\/\//);
      expect(new Date(`${release.eol}T00:00:00Z`).toISOString().slice(0, 10), name).toBe(release.eol);
    }
  });
});
