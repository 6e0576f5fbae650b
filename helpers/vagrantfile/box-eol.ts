// End of free security support of the distributions Vagrant boxes carry, and how a box name
// (or a custom box's box_url) maps to a release. "End of life" as CHECKS.md defines it: Debian
// including Debian LTS, Ubuntu standard support (not ESM), the vendor's end of life for the RHEL
// family, Alpine's branch support. Where a vendor names only a month, the date is the last day
// of that month. Update this table when a distribution publishes new dates.

export interface Release {
  distribution: string;
  version: string;
  /** Last day of free security support, YYYY-MM-DD. */
  eol: string;
  /** What that date is the end of. */
  support: string;
  source: string;
}

const DEBIAN = 'https://wiki.debian.org/LTS';
const UBUNTU = 'https://ubuntu.com/about/release-cycle';
const UBUNTU_WIKI = 'https://wiki.ubuntu.com/Releases';
const CENTOS = 'https://www.centos.org/centos-linux-eol/';
const CENTOS_STREAM = 'https://www.centos.org/centos-stream/';
const ALMALINUX = 'https://wiki.almalinux.org/release-notes/';
const ROCKY = 'https://wiki.rockylinux.org/rocky/version/';
const RHEL = 'https://access.redhat.com/support/policy/updates/errata';
const ORACLE = 'https://www.oracle.com/a/ocom/docs/elsp-lifetime-069338.pdf';
const ALPINE = 'https://alpinelinux.org/releases/';

const debian = (version: string, name: string, eol: string): Release => ({
  distribution: 'Debian',
  version: `${version} (${name})`,
  eol,
  support: 'Debian LTS',
  source: DEBIAN,
});
const ubuntu = (version: string, name: string, eol: string, lts = true): Release => ({
  distribution: 'Ubuntu',
  version: `${version}${lts ? ' LTS' : ''} (${name})`,
  eol,
  support: lts ? 'Ubuntu standard support' : 'Ubuntu interim release support',
  source: lts ? UBUNTU : UBUNTU_WIKI,
});
const vendor = (distribution: string, version: string, eol: string, source: string, support = 'vendor end of life'): Release => ({
  distribution,
  version,
  eol,
  support,
  source,
});

/** Releases by key: `<distribution>-<version>`. */
export const RELEASES: Readonly<Record<string, Release>> = {
  'debian-7': debian('7', 'wheezy', '2018-05-31'),
  'debian-8': debian('8', 'jessie', '2020-06-30'),
  'debian-9': debian('9', 'stretch', '2022-06-30'),
  'debian-10': debian('10', 'buster', '2024-06-30'),
  'debian-11': debian('11', 'bullseye', '2026-08-31'),
  'debian-12': debian('12', 'bookworm', '2028-06-30'),
  'debian-13': debian('13', 'trixie', '2030-06-30'),

  'ubuntu-12.04': ubuntu('12.04', 'precise', '2017-04-28'),
  'ubuntu-14.04': ubuntu('14.04', 'trusty', '2019-04-30'),
  'ubuntu-16.04': ubuntu('16.04', 'xenial', '2021-04-30'),
  'ubuntu-18.04': ubuntu('18.04', 'bionic', '2023-05-31'),
  'ubuntu-20.04': ubuntu('20.04', 'focal', '2025-05-31'),
  'ubuntu-20.10': ubuntu('20.10', 'groovy', '2021-07-22', false),
  'ubuntu-21.04': ubuntu('21.04', 'hirsute', '2022-01-20', false),
  'ubuntu-21.10': ubuntu('21.10', 'impish', '2022-07-14', false),
  'ubuntu-22.04': ubuntu('22.04', 'jammy', '2027-06-30'),
  'ubuntu-22.10': ubuntu('22.10', 'kinetic', '2023-07-20', false),
  'ubuntu-23.04': ubuntu('23.04', 'lunar', '2024-01-25', false),
  'ubuntu-23.10': ubuntu('23.10', 'mantic', '2024-07-11', false),
  'ubuntu-24.04': ubuntu('24.04', 'noble', '2029-05-31'),
  'ubuntu-24.10': ubuntu('24.10', 'oracular', '2025-07-10', false),
  'ubuntu-25.04': ubuntu('25.04', 'plucky', '2026-01-31', false),
  'ubuntu-25.10': ubuntu('25.10', 'questing', '2026-07-31', false),

  'centos-6': vendor('CentOS Linux', '6', '2020-11-30', CENTOS),
  'centos-7': vendor('CentOS Linux', '7', '2024-06-30', CENTOS),
  'centos-8': vendor('CentOS Linux', '8', '2021-12-31', CENTOS),
  'centos-stream-8': vendor('CentOS Stream', '8', '2024-05-31', CENTOS_STREAM),
  'centos-stream-9': vendor('CentOS Stream', '9', '2027-05-31', CENTOS_STREAM),
  'centos-stream-10': vendor('CentOS Stream', '10', '2030-01-01', CENTOS_STREAM),
  'almalinux-8': vendor('AlmaLinux', '8', '2029-03-01', ALMALINUX),
  'almalinux-9': vendor('AlmaLinux', '9', '2032-05-31', ALMALINUX),
  'almalinux-10': vendor('AlmaLinux', '10', '2035-05-31', ALMALINUX),
  'rocky-8': vendor('Rocky Linux', '8', '2029-05-31', ROCKY),
  'rocky-9': vendor('Rocky Linux', '9', '2032-05-31', ROCKY),
  'rocky-10': vendor('Rocky Linux', '10', '2035-05-31', ROCKY),
  'rhel-7': vendor('Red Hat Enterprise Linux', '7', '2024-06-30', RHEL, 'end of maintenance support'),
  'rhel-8': vendor('Red Hat Enterprise Linux', '8', '2029-05-31', RHEL, 'end of maintenance support'),
  'rhel-9': vendor('Red Hat Enterprise Linux', '9', '2032-05-31', RHEL, 'end of maintenance support'),
  'oracle-7': vendor('Oracle Linux', '7', '2024-12-31', ORACLE, 'end of Premier Support'),
  'oracle-8': vendor('Oracle Linux', '8', '2029-07-31', ORACLE, 'end of Premier Support'),
  'oracle-9': vendor('Oracle Linux', '9', '2032-06-30', ORACLE, 'end of Premier Support'),

  'alpine-3.12': vendor('Alpine Linux', '3.12', '2022-05-01', ALPINE, 'end of branch support'),
  'alpine-3.13': vendor('Alpine Linux', '3.13', '2022-11-01', ALPINE, 'end of branch support'),
  'alpine-3.14': vendor('Alpine Linux', '3.14', '2023-05-01', ALPINE, 'end of branch support'),
  'alpine-3.15': vendor('Alpine Linux', '3.15', '2023-11-01', ALPINE, 'end of branch support'),
  'alpine-3.16': vendor('Alpine Linux', '3.16', '2024-05-23', ALPINE, 'end of branch support'),
  'alpine-3.17': vendor('Alpine Linux', '3.17', '2024-11-22', ALPINE, 'end of branch support'),
  'alpine-3.18': vendor('Alpine Linux', '3.18', '2025-05-09', ALPINE, 'end of branch support'),
  'alpine-3.19': vendor('Alpine Linux', '3.19', '2025-11-01', ALPINE, 'end of branch support'),
  'alpine-3.20': vendor('Alpine Linux', '3.20', '2026-04-01', ALPINE, 'end of branch support'),
  'alpine-3.21': vendor('Alpine Linux', '3.21', '2026-11-01', ALPINE, 'end of branch support'),
  'alpine-3.22': vendor('Alpine Linux', '3.22', '2027-05-01', ALPINE, 'end of branch support'),
  'alpine-3.23': vendor('Alpine Linux', '3.23', '2027-11-01', ALPINE, 'end of branch support'),
};

const DEBIAN_CODENAMES: Record<string, string> = {
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
};
const UBUNTU_CODENAMES: Record<string, string> = {
  precise: '12.04',
  trusty: '14.04',
  xenial: '16.04',
  bionic: '18.04',
  focal: '20.04',
  groovy: '20.10',
  hirsute: '21.04',
  impish: '21.10',
  jammy: '22.04',
  kinetic: '22.10',
  lunar: '23.04',
  mantic: '23.10',
  noble: '24.04',
  oracular: '24.10',
  plucky: '25.04',
  questing: '25.10',
};

/**
 * How a box name or URL names a release, tried in order on the lower-cased text. Box names seen
 * in the wild: debian/bookworm64, ubuntu/jammy64, hashicorp/bionic64, bento/ubuntu-22.04,
 * bento/debian-12.5, generic/ubuntu2204, generic/debian12, generic/alpine319, almalinux/9,
 * rockylinux/9, centos/7, centos/stream9, cloud-image/ubuntu-24.04, generic/rhel9, generic/oracle8,
 * takesako/alpine-standard-v3.18.
 */
const PATTERNS: Array<[RegExp, (match: RegExpExecArray) => string | undefined]> = [
  [/(?:^|[^a-z])(wheezy|jessie|stretch|buster|bullseye|bookworm|trixie)/, (m) => `debian-${DEBIAN_CODENAMES[m[1]!]}`],
  [
    /(?:^|[^a-z])(precise|trusty|xenial|bionic|focal|groovy|hirsute|impish|jammy|kinetic|lunar|mantic|noble|oracular|plucky|questing)/,
    (m) => `ubuntu-${UBUNTU_CODENAMES[m[1]!]}`,
  ],
  [/ubuntu[^0-9/]*?(\d{2})[._-]?(04|10)(?!\d)/, (m) => `ubuntu-${m[1]}.${m[2]}`],
  [/debian[^0-9/]*?(\d{1,2})(?![0-9])/, (m) => `debian-${m[1]}`],
  [/centos[-_/]?stream[-_]?(\d{1,2})(?!\d)/, (m) => `centos-stream-${m[1]}`],
  [/centos[-_/]?(\d{1,2})-?s(?:tream)?(?![a-z])/, (m) => `centos-stream-${m[1]}`],
  [/centos[-_/]?(\d)(?!\d)/, (m) => `centos-${m[1]}`],
  [/alma(?:linux)?[-_/]?(\d{1,2})(?!\d)/, (m) => `almalinux-${m[1]}`],
  [/rocky(?:linux)?[-_/]?(\d{1,2})(?!\d)/, (m) => `rocky-${m[1]}`],
  [/(?:rhel|redhat)[-_/]?(\d{1,2})(?!\d)/, (m) => `rhel-${m[1]}`],
  [/(?:oracle(?:linux)?|(?:^|[^a-z])ol)[-_/]?(\d{1,2})(?!\d)/, (m) => `oracle-${m[1]}`],
  // takesako/alpine-standard-v3.18: a flavour word may sit between the name and the version.
  [/alpine(?:[-_/][a-z]+)*[-_/]?v?3[._-]?(\d{2})(?!\d)/, (m) => `alpine-3.${m[1]}`],
];

/** The release a box name or URL names, if the table knows it. */
export function releaseOf(text: string): Release | undefined {
  const lower = text.toLowerCase();
  for (const [pattern, key] of PATTERNS) {
    const match = pattern.exec(lower);
    if (!match) continue;
    const release = RELEASES[key(match) ?? ''];
    if (release) return release;
  }
  return undefined;
}

export interface BoxRelease {
  release: Release;
  /** Which setting named it. */
  from: 'box' | 'box_url';
}

/** The release of a machine's box: by its name, else (for a custom name) by its box_url. */
export function boxRelease(box: string | undefined, boxUrl: string | undefined): BoxRelease | undefined {
  const byName = box ? releaseOf(box) : undefined;
  if (byName) return { release: byName, from: 'box' };
  const byUrl = boxUrl ? releaseOf(boxUrl) : undefined;
  return byUrl ? { release: byUrl, from: 'box_url' } : undefined;
}

/** True when the release is past its end of life on `date` (YYYY-MM-DD): support lasts through its eol day. */
export const isEndOfLife = (release: Release, date: string): boolean => date > release.eol;
