// Kustomizations: a folder holding kustomization.yaml contributes the objects
// `kubectl kustomize` builds from it. The grader builds a copy of the part's files (never the
// checkout itself), without remote resources (they are recorded, not fetched), and only when the
// kustomization runs no plugin, Helm chart or file from outside the repository.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, posix } from 'node:path';
import { stringify } from 'yaml';
import type { GradingContext } from '../target/grading-context.ts';
import type { SubjectPart } from '../target/layout.ts';
import { targetDotenv } from '../target/dotenv.ts';
import { objectsOfDocument } from './documents.ts';
import { isRecord } from './kinds.ts';
import type { ManifestObject } from './model.ts';
import { parseYaml, yamlFiles, type YamlFile } from './yaml-files.ts';

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml'];
const BUILD_TIMEOUT_MS = 30_000;
// Fields that run code or fetch charts (plugins, KRM functions, Helm): never built by the grader.
const UNSAFE_FIELDS = ['generators', 'transformers', 'validators', 'helmCharts', 'helmGlobals', 'helmChartInflationGenerator'];

/** A remote resource a kustomization names: not fetched; it counts as what it names. */
export interface RemoteResource {
  url: string;
  /** The kustomization file naming it, relative to the target root. */
  kustomization: string;
  line?: number;
  /** The kustomization's `namespace:`, which kustomize sets on every object of the resource. */
  namespace?: string;
}

export interface Kustomization {
  file: string;
  dir: string;
  /** False when another kustomization of the part uses it as a resource or component. */
  topLevel: boolean;
  namespace?: string;
  remote: RemoteResource[];
  /** Local resource files (and files of the kustomizations it includes). */
  resourceFiles: string[];
  /** Why the grader does not build it, when it does not. */
  unsafe?: string;
}

export interface KustomizeBuild {
  kustomization: Kustomization;
  /** The objects built, when the build ran and succeeded. */
  objects?: ManifestObject[];
  /** Why it was not built (kubectl absent, unsafe…): the checks that depend on it skip with this. */
  notBuilt?: string;
  /** kubectl's error when the build failed. */
  error?: string;
}

export interface KustomizeFacts {
  kustomizations: Kustomization[];
  builds: KustomizeBuild[];
  /** Files kustomize reads as patches, generator inputs or plugin configs: not objects themselves. */
  notObjects: Set<string>;
  /** Resource files whose objects come from a successful build instead of being read as written. */
  replacedByBuild: Set<string>;
}

/** Every kustomization of the part, statically read, and the builds of the top-level ones. */
export function kustomizeFacts(ctx: GradingContext, part: SubjectPart): Promise<KustomizeFacts> {
  return ctx.once(`manifests:kustomize:${part}`, async () => {
    const files = await yamlFiles(ctx, part);
    const kustomizations = readKustomizations(ctx, files);
    const notObjects = new Set<string>();
    for (const k of kustomizations.list) for (const file of k.notObjects) notObjects.add(file);
    const builds: KustomizeBuild[] = [];
    const replacedByBuild = new Set<string>();
    const kubectl = await findExecutable('kubectl');
    for (const k of kustomizations.list.filter((item) => item.topLevel)) {
      const build = await buildKustomization(ctx, part, k, kustomizations.byDir, kubectl);
      builds.push(build);
      if (build.objects) for (const file of k.resourceFiles) replacedByBuild.add(file);
    }
    return { kustomizations: kustomizations.list.map(publicView), builds, notObjects, replacedByBuild };
  });
}

/** The remote resources (URLs) the part's kustomizations name. */
export async function remoteResources(ctx: GradingContext, part: SubjectPart): Promise<RemoteResource[]> {
  return (await kustomizeFacts(ctx, part)).kustomizations.flatMap((k) => k.remote);
}

interface ReadKustomization extends Kustomization {
  notObjects: string[];
  /** Folders of other kustomizations it includes. */
  localDirs: string[];
}

function readKustomizations(ctx: GradingContext, files: YamlFile[]): { list: ReadKustomization[]; byDir: Map<string, ReadKustomization> } {
  const list: ReadKustomization[] = [];
  for (const file of files) {
    const name = posix.basename(file.path);
    if (!KUSTOMIZATION_NAMES.includes(name)) continue;
    const doc = file.documents[0];
    const data = isRecord(doc?.data) ? doc.data : {};
    const dir = posix.dirname(file.path);
    const k: ReadKustomization = { file: file.path, dir, topLevel: true, remote: [], resourceFiles: [], notObjects: [], localDirs: [] };
    if (typeof data.namespace === 'string') k.namespace = data.namespace;
    const unsafe = UNSAFE_FIELDS.filter((field) => data[field] !== undefined && data[field] !== null);
    if (unsafe.length) k.unsafe = `${file.path} uses ${unsafe.join(', ')}, which run plugins or fetch charts; the grader does not build it`;
    const local = (entry: string, lineAt: Array<string | number>): string | undefined => {
      // A folder may be written with a trailing slash (`../../base/`); the target names folders without one.
      const path = posix.normalize(posix.join(dir, entry)).replace(/(.)\/+$/, '$1');
      if (posix.isAbsolute(entry) || path === '..' || path.startsWith('../')) {
        k.unsafe ??= `${file.path}:${doc?.lineOf(lineAt) ?? 1}: "${entry}" lies outside the repository; the grader does not build it`;
        return undefined;
      }
      return path;
    };
    for (const field of ['resources', 'bases', 'components']) {
      const entries = Array.isArray(data[field]) ? (data[field] as unknown[]) : [];
      entries.forEach((entry, index) => {
        if (typeof entry !== 'string') return;
        if (isRemote(entry, dir, ctx)) {
          k.remote.push({
            url: entry,
            kustomization: file.path,
            line: doc?.lineOf([field, index]),
            ...(k.namespace ? { namespace: k.namespace } : {}),
          });
          return;
        }
        const path = local(entry, [field, index]);
        if (path === undefined) return;
        if (ctx.target.file(path)) k.resourceFiles.push(path);
        else if (ctx.target.hasFolder(path)) k.localDirs.push(path);
      });
    }
    // Files kustomize reads for patches, generators and plugin configs.
    const patchLike = (value: unknown, at: Array<string | number>): void => {
      if (typeof value === 'string' && !value.includes('\n')) {
        const path = local(value, at);
        if (path) k.notObjects.push(path);
      }
    };
    const listAt = (field: string): unknown[] => (Array.isArray(data[field]) ? (data[field] as unknown[]) : []);
    listAt('patchesStrategicMerge').forEach((entry, index) => patchLike(entry, ['patchesStrategicMerge', index]));
    for (const field of ['patches', 'patchesJson6902', 'replacements'])
      listAt(field).forEach((entry, index) => isRecord(entry) && patchLike(entry.path, [field, index, 'path']));
    for (const field of ['configMapGenerator', 'secretGenerator']) {
      listAt(field).forEach((entry, index) => {
        if (!isRecord(entry)) return;
        for (const key of ['files', 'envs']) {
          const paths = Array.isArray(entry[key]) ? entry[key] : [];
          paths.forEach(
            (item: unknown, itemIndex: number) =>
              typeof item === 'string' &&
              patchLike(item.includes('=') ? item.slice(item.indexOf('=') + 1) : item, [field, index, key, itemIndex]),
          );
        }
        patchLike(entry.env, [field, index, 'env']);
      });
    }
    for (const field of ['crds', 'generators', 'transformers', 'validators', 'configurations'])
      listAt(field).forEach((entry, index) => patchLike(entry, [field, index]));
    if (isRecord(data.openapi)) patchLike(data.openapi.path, ['openapi', 'path']);
    list.push(k);
  }
  const byDir = new Map(list.map((k) => [k.dir, k]));
  for (const k of list) {
    for (const dir of k.localDirs) {
      const inner = byDir.get(dir);
      if (inner && inner !== k) inner.topLevel = false;
    }
  }
  const own = new Map(list.map((k) => [k, k.resourceFiles]));
  for (const k of list) k.resourceFiles = [...new Set(closureDirs(k, byDir).flatMap((item) => own.get(item) ?? []))];
  return { list, byDir };
}

function publicView(k: ReadKustomization): Kustomization {
  const { notObjects: _notObjects, localDirs: _localDirs, ...view } = k;
  return view;
}

/** A URL or a remote git base (`github.com/org/repo//path?ref=v1`) rather than a local path. */
function isRemote(entry: string, dir: string, ctx: GradingContext): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git(@|::)/.test(entry)) return true;
  const first = entry.split('/')[0];
  if (!first.includes('.') || first.startsWith('.')) return false;
  const path = posix.normalize(posix.join(dir, entry)).replace(/(.)\/+$/, '$1');
  return !ctx.target.file(path) && !ctx.target.hasFolder(path);
}

/** The kustomization and those it includes as local folders, each once. */
function closureDirs(k: ReadKustomization, byDir: Map<string, ReadKustomization>, seen = new Set<string>()): ReadKustomization[] {
  if (seen.has(k.dir)) return [];
  seen.add(k.dir);
  return [
    k,
    ...k.localDirs.flatMap((dir) => {
      const inner = byDir.get(dir);
      return inner ? closureDirs(inner, byDir, seen) : [];
    }),
  ];
}

async function buildKustomization(
  ctx: GradingContext,
  part: SubjectPart,
  k: ReadKustomization,
  byDir: Map<string, ReadKustomization>,
  kubectl: string | undefined,
): Promise<KustomizeBuild> {
  const public_ = publicView(k);
  const included = closureDirs(k, byDir);
  const unsafe = included.find((item) => item.unsafe)?.unsafe;
  if (unsafe) return { kustomization: public_, notBuilt: unsafe };
  if (!kubectl)
    return {
      kustomization: public_,
      notBuilt: `kubectl is not installed, so ${k.file} was not built (install kubectl to check the objects it builds)`,
    };
  const work = await mkdtemp(join(tmpdir(), 'iot-kustomize-'));
  try {
    // A copy of the text files of every folder the build reads, with remote resources left out.
    const dirs = included.map((item) => item.dir);
    const inKustomization = new Map(included.map((item) => [item.file, item]));
    for (const file of ctx.target.files) {
      if (file.text === undefined || !dirs.some((dir) => dir === '.' || file.path.startsWith(`${dir}/`))) continue;
      const destination = join(work, file.path);
      await mkdir(join(destination, '..'), { recursive: true });
      const own = inKustomization.get(file.path);
      await writeFile(destination, own && own.remote.length ? withoutRemote(file.text, own) : file.text);
    }
    let stdout: string;
    try {
      stdout = await run(kubectl, ['kustomize', join(work, k.dir), '--load-restrictor', 'LoadRestrictionsRootOnly'], work);
    } catch (error) {
      const message = String((error as { stderr?: string }).stderr || (error as Error).message)
        .split(work + '/')
        .join('')
        .trim()
        .split('\n')
        .slice(0, 3)
        .join(' ');
      return { kustomization: public_, error: `kubectl kustomize ${k.dir} failed: ${message}` };
    }
    const parsed = parseYaml(k.file, stdout);
    if (parsed.errors.length)
      return { kustomization: public_, error: `kubectl kustomize ${k.dir} printed YAML that does not parse: ${parsed.errors[0].message}` };
    const values = targetDotenv(ctx.target, part);
    const sources = await sourceObjects(ctx, part, k.resourceFiles, values);
    const objects = parsed.documents
      .flatMap((doc) => objectsOfDocument(doc, values, { origin: 'kustomize', file: k.file }))
      .map((obj) => placeAtSource(obj, sources, k));
    return { kustomization: public_, objects };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The objects of the resource files, as written, to point built objects at their source lines. */
async function sourceObjects(
  ctx: GradingContext,
  part: SubjectPart,
  files: string[],
  values: Record<string, string>,
): Promise<ManifestObject[]> {
  const wanted = new Set(files);
  return (await yamlFiles(ctx, part))
    .filter((file) => wanted.has(file.path))
    .flatMap((file) => file.documents.flatMap((doc) => objectsOfDocument(doc, values)));
}

/** A built object keeps kustomize's body but is reported at its source document (same kind, name under prefix/suffix). */
function placeAtSource(built: ManifestObject, sources: ManifestObject[], k: ReadKustomization): ManifestObject {
  const source = sources.find(
    (obj) =>
      obj.kind === built.kind &&
      obj.name !== undefined &&
      built.name !== undefined &&
      built.name.includes(obj.name) &&
      (obj.name === built.name || built.name.length > obj.name.length),
  );
  const exact = sources.find((obj) => obj.kind === built.kind && obj.name === built.name);
  const origin = exact ?? source;
  if (!origin) {
    const line = 1;
    return { ...built, location: { file: k.file, line }, lineOf: () => line };
  }
  return { ...built, location: origin.location, lineOf: origin.lineOf };
}

function withoutRemote(text: string, k: ReadKustomization): string {
  const doc = parseYaml(k.file, text).documents[0];
  if (!isRecord(doc?.data)) return text;
  const remote = new Set(k.remote.map((item) => item.url));
  const data = { ...doc.data };
  for (const field of ['resources', 'bases', 'components'])
    if (Array.isArray(data[field]))
      data[field] = (data[field] as unknown[]).filter((entry) => !(typeof entry === 'string' && remote.has(entry)));
  return stringify(data);
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: BUILD_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        env: { PATH: process.env.PATH ?? '', HOME: cwd, KUBECONFIG: join(cwd, 'no-kubeconfig') },
      },
      (error, stdout, stderr) => (error ? reject(Object.assign(error, { stderr })) : resolve(stdout)),
    );
  });
}

/** The absolute path of an executable on PATH, if any. */
export async function findExecutable(name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
