// Synthetic repositories of suites/fixtures: `passing/` passes every static check; each folder of
// `failing/` is an overlay on a base (passing/ unless it says otherwise) that breaks one check;
// each folder of `passing-variants/` is an overlay written another way students write it, which
// still passes every check.
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../config/env.ts';

export const FIXTURES_DIR = join(PROJECT_ROOT, 'suites/fixtures');
const MANIFEST = 'fixture.yaml';

/** What a fixture's fixture.yaml may say, beyond the files it adds or replaces. */
export interface FixtureManifest {
  why: string;
  /** Another fixture folder (relative to suites/fixtures) to overlay; default "passing". */
  base?: string;
  remove?: string[];
  /** Symbolic links to create: path → where it points (may be outside the repository). */
  symlinks?: Record<string, string>;
  /** Files to write as binary data (NUL bytes). */
  binary?: string[];
  /** Files to write with this many bytes of text. */
  huge?: Record<string, number>;
  /** Secret-shaped files to generate (never committed, even as test data): path → kind. */
  secrets?: Record<string, SecretKind>;
  /** The check that must fail; default: the folder name up to "--". */
  expect?: string;
  /** Passing variants: text each named check's message must hold, to show it graded the variant's form. */
  shows?: Record<string, string>;
}

export type SecretKind = 'k3s-token' | 'kubeconfig' | 'private-key';

// Assembled from pieces so that no file of this repository holds a secret-shaped string.
const HEX = 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789';
const BASE64 = 'TUlJQmR6Q0NBUjJnQXdJQkFnSUJBREFLQmdncWhrak9QUVFEQWpBak1TRXdId1lEVlFRRERCaHJNM010YzJWeQo=';
const SECRETS: Record<SecretKind, () => string> = {
  'k3s-token': () => `${'K1'}0${HEX}::server:${HEX.slice(0, 32)}\n`,
  kubeconfig: () =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: k3d-iot, cluster: {server: "https://0.0.0.0:6443"}}]',
      'users:',
      '  - name: admin',
      '    user:',
      `      client-${'key'}-data: ${BASE64}`,
      '',
    ].join('\n'),
  'private-key': () => [`-----BEGIN OPENSSH PRIVATE ${'KEY'}-----`, BASE64, `-----END OPENSSH PRIVATE ${'KEY'}-----`, ''].join('\n'),
};

export interface Fixture {
  name: string;
  dir: string;
  manifest: FixtureManifest;
  expectedFailure: string;
}

export const failingFixtures = (): Promise<Fixture[]> => fixturesIn('failing');
export const passingVariants = (): Promise<Fixture[]> => fixturesIn('passing-variants');

async function fixturesIn(folder: string): Promise<Fixture[]> {
  const root = join(FIXTURES_DIR, folder);
  const names = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(names.map((name) => readFixture(`${folder}/${name}`)));
}

export async function readFixture(relative: string): Promise<Fixture> {
  const dir = join(FIXTURES_DIR, relative);
  const manifest = parse(await readFile(join(dir, MANIFEST), 'utf8')) as FixtureManifest;
  if (!manifest?.why) throw new Error(`${relative}/${MANIFEST}: a fixture says why it fails ("why: …")`);
  const name = relative.split('/').pop()!;
  return { name: relative, dir, manifest, expectedFailure: manifest.expect ?? name.split('--')[0] };
}

/** Builds the fixture's repository in a new temporary folder; the caller removes it. */
export async function materialize(relative: string): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'iot-fixture-'));
  await buildInto(relative, out);
  return out;
}

async function buildInto(relative: string, out: string): Promise<void> {
  if (relative === 'passing') {
    await cp(join(FIXTURES_DIR, 'passing'), out, { recursive: true });
    return;
  }
  const fixture = await readFixture(relative);
  await buildInto(fixture.manifest.base ?? 'passing', out);
  const { manifest, dir } = fixture;
  for (const path of manifest.remove ?? []) await rm(join(out, path), { recursive: true, force: true });
  await cp(dir, out, { recursive: true, filter: (source) => source !== join(dir, MANIFEST) });
  for (const [path, pointsTo] of Object.entries(manifest.symlinks ?? {})) {
    await rm(join(out, path), { force: true });
    await mkdir(dirname(join(out, path)), { recursive: true });
    await symlink(pointsTo, join(out, path));
  }
  for (const [path, kind] of Object.entries(manifest.secrets ?? {})) {
    await mkdir(dirname(join(out, path)), { recursive: true });
    await writeFile(join(out, path), SECRETS[kind]());
  }
  for (const path of manifest.binary ?? []) {
    await mkdir(dirname(join(out, path)), { recursive: true });
    await writeFile(join(out, path), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0, 0xff]));
  }
  for (const [path, bytes] of Object.entries(manifest.huge ?? {})) {
    await mkdir(dirname(join(out, path)), { recursive: true });
    await writeFile(join(out, path), '# padding\n'.repeat(Math.ceil(bytes / 10)));
  }
}

export async function removeMaterialized(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => {});
  await rm(dir, { recursive: true, force: true });
}
