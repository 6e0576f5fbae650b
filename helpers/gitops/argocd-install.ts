// Every way a part installs Argo CD: the official manifest by URL (kubectl apply, a download
// applied later, a kustomization resource), a committed copy of it, or the Helm chart
// (helm install, K3s HelmChart). For each: the namespace it lands in and the release it names.
import type { Location } from '../target/location.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { ScriptFacts, ShellCommand, Word } from '../shell/model.ts';
import { applyOf, kubectlApplies, type KubectlApply } from './applies.ts';
import { unwrap } from './argv.ts';
import { dig, fieldOf, fieldOfWord, isRecord, type Field } from './field.ts';
import { helmReleases, type HelmRelease } from './helm.ts';
import type { KustomizationInfo } from './sources.ts';

export type InstallVia = 'manifest URL' | 'downloaded manifest' | 'kustomize resource' | 'local copy' | 'Helm chart' | 'HelmChart object';

export interface ArgoInstall {
  via: InstallVia;
  /** In words, for messages: "the install manifest https://… (ref stable)". */
  what: string;
  /** Where the objects land; undefined when nothing sets it (the context's default namespace). */
  namespace?: Field;
  /** The release it names: a git ref or tag, a chart version, or the image tag of a copy. */
  version?: Field;
  versionKind: 'ref' | 'chart version' | 'image tag';
  location: Location;
}

const MANIFEST_FILE = String.raw`(?:ha\/)?(?:install|namespace-install|core-install)\.yaml`;
const URL_PATTERNS: RegExp[] = [
  new RegExp(
    String.raw`^https?://raw\.githubusercontent\.com/argoproj/argo-cd/(?:refs/(?:heads|tags)/)?([^/]+)/manifests/${MANIFEST_FILE}(?:\?.*)?$`,
  ),
  new RegExp(
    String.raw`^https?://github\.com/argoproj/argo-cd/(?:raw|blob)/(?:refs/(?:heads|tags)/)?([^/]+)/manifests/${MANIFEST_FILE}(?:\?.*)?$`,
  ),
  /^https?:\/\/github\.com\/argoproj\/argo-cd\/releases\/(?:download\/([^/]+)|(latest)\/download)\/(?:ha-)?(?:namespace-)?(?:core-)?install\.yaml$/,
];
const KUSTOMIZE_PATTERN =
  /^(?:https?:\/\/)?github\.com\/argoproj\/argo-cd(?:\.git)?\/\/?manifests\/(?:ha\/)?(?:cluster-install|namespace-install|core-install)[^?]*(?:\?(.*))?$/;

/** The ref an Argo CD install manifest URL names ('' when it names none), or undefined for another URL. */
export function argoManifestRef(url: string): string | undefined {
  for (const pattern of URL_PATTERNS) {
    const match = pattern.exec(url);
    if (match) return match[1] ?? match[2] ?? '';
  }
  const kustomize = KUSTOMIZE_PATTERN.exec(url);
  if (kustomize) return new URLSearchParams(kustomize[1] ?? '').get('ref') ?? '';
  return undefined;
}

/** A fixed release: vX.Y.Z (pre-releases included) or a full commit; a chart version X.Y.Z. */
export const PINNED_REF = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$|^[0-9a-f]{40}$/;
export const PINNED_CHART = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** A version field carved out of a URL word: the ref, with the URL's placeholders that fall in it. */
function refField(ref: string, word: Word, location: Location): Field {
  const unresolved = fieldOfWord(word, location).unresolved.filter((name) => ref.includes(name));
  return { value: ref, location, unresolved };
}

const ARGO_CHART = /(^|\/)argo-cd$/;
const ARGO_CHART_ARCHIVE = /(^|\/)argo-cd-(\d[^/]*)\.tgz$/;
/** Objects of Argo CD's manifest whose presence means the manifest is there. */
const ARGO_CORE = new Set([
  'Deployment/argocd-server',
  'StatefulSet/argocd-application-controller',
  'Deployment/argocd-application-controller',
]);

export interface InstallFacts {
  scripts: readonly ScriptFacts[];
  objects: readonly ManifestObject[];
  kustomizations: readonly KustomizationInfo[];
}

export function argoInstalls(facts: InstallFacts): ArgoInstall[] {
  const applies = kubectlApplies(facts.scripts);
  return [
    ...fromApplies(applies, facts.scripts),
    ...fromRemoteResources(facts.kustomizations, applies),
    ...fromCopies(facts.objects, facts.kustomizations, applies),
    ...fromHelm(helmReleases(facts.scripts, facts.objects)),
  ];
}

function fromApplies(applies: readonly KubectlApply[], scripts: readonly ScriptFacts[]): ArgoInstall[] {
  const downloads = downloadedManifests(scripts);
  const installs: ArgoInstall[] = [];
  for (const apply of applies) {
    const location = apply.command.location;
    for (const word of [...apply.files, ...apply.kustomizations]) {
      let url: Word | undefined = word;
      let via: InstallVia = 'manifest URL';
      if (word.value === '-') url = urlPipedInto(apply.command);
      let ref = url ? argoManifestRef(url.value) : undefined;
      if (ref === undefined) {
        const download = downloads.get(word.value.replace(/\/+$/, '').split('/').at(-1) ?? '');
        if (!download) continue;
        url = download.url;
        ref = download.ref;
        via = 'downloaded manifest';
      }
      installs.push({
        via,
        what: `the Argo CD install manifest ${url!.value}${via === 'downloaded manifest' ? ' (downloaded, then applied)' : ''}`,
        namespace: apply.namespace,
        version: ref ? refField(ref, url!, location) : undefined,
        versionKind: 'ref',
        location,
      });
    }
  }
  return installs;
}

/** `curl -sSL URL | kubectl apply -f -`. */
function urlPipedInto(command: ShellCommand): Word | undefined {
  const source = command.pipedFrom;
  if (!source) return undefined;
  const words = unwrap(source.argv);
  const tool = words[0]?.value.split('/').at(-1);
  if (tool !== 'curl' && tool !== 'wget') return undefined;
  return words.find((word) => argoManifestRef(word.value) !== undefined);
}

/** Install manifests the scripts download to a file (curl -o, wget -O, > file), by the file's name. */
function downloadedManifests(scripts: readonly ScriptFacts[]): Map<string, { url: Word; ref: string }> {
  const downloads = new Map<string, { url: Word; ref: string }>();
  for (const download of scripts.flatMap((script) => script.downloads ?? [])) {
    const ref = argoManifestRef(download.url.value);
    if (ref !== undefined && download.to && download.to !== '-')
      downloads.set(download.to.replace(/\/+$/, '').split('/').at(-1)!, { url: download.url, ref });
  }
  return downloads;
}

function fromRemoteResources(kustomizations: readonly KustomizationInfo[], applies: readonly KubectlApply[]): ArgoInstall[] {
  const installs: ArgoInstall[] = [];
  for (const kustomization of kustomizations) {
    for (const resource of kustomization.remote) {
      const ref = argoManifestRef(resource.url);
      if (ref === undefined) continue;
      const location = { file: kustomization.file, line: resource.line };
      const apply = applyOf(kustomization.file, applies, 'kustomization');
      installs.push({
        via: 'kustomize resource',
        what: `the kustomization resource ${resource.url}`,
        namespace: kustomization.namespace !== undefined ? { value: kustomization.namespace, location, unresolved: [] } : apply?.namespace,
        version: ref ? { value: ref, location, unresolved: [] } : undefined,
        versionKind: 'ref',
        location,
      });
    }
  }
  return installs;
}

function fromCopies(
  objects: readonly ManifestObject[],
  kustomizations: readonly KustomizationInfo[],
  applies: readonly KubectlApply[],
): ArgoInstall[] {
  const byFile = new Map<string, ManifestObject>();
  for (const object of objects) {
    if (ARGO_CORE.has(`${object.kind}/${object.name}`) && !byFile.has(object.location.file)) byFile.set(object.location.file, object);
  }
  const installs: ArgoInstall[] = [];
  for (const [file, object] of byFile) {
    const kustomization = kustomizations.find((candidate) => candidate.namespace !== undefined && candidate.resourceFiles.includes(file));
    const apply =
      object.origin === 'yaml'
        ? kustomization
          ? applyOf(kustomization.file, applies, 'kustomization')
          : applyOf(file, applies)
        : undefined;
    const namespace =
      object.namespace !== undefined
        ? fieldOf(object, ['metadata', 'namespace'])
        : kustomization
          ? { value: kustomization.namespace!, location: { file: kustomization.file }, unresolved: [] }
          : apply?.namespace;
    installs.push({
      via: 'local copy',
      what: `the copy of Argo CD's install manifest in ${file}`,
      namespace,
      version: argoImageTag(object),
      versionKind: 'image tag',
      location: object.location,
    });
  }
  return installs;
}

/** The tag of the argocd image the copy runs (quay.io/argoproj/argocd:v3.1.5 → v3.1.5). */
function argoImageTag(object: ManifestObject): Field | undefined {
  const containers = dig(object.body, 'spec', 'template', 'spec', 'containers');
  if (!Array.isArray(containers)) return undefined;
  const index = containers.findIndex(
    (container) => isRecord(container) && typeof container.image === 'string' && /(^|\/)argoproj\/argocd(:|@|$)/.test(container.image),
  );
  if (index < 0) return undefined;
  const image = fieldOf(object, ['spec', 'template', 'spec', 'containers', index, 'image'])!;
  const tag = /:([^:/@]+)(@.*)?$/.exec(image.value)?.[1];
  return { ...image, value: tag ?? '' };
}

function fromHelm(releases: readonly HelmRelease[]): ArgoInstall[] {
  const installs: ArgoInstall[] = [];
  for (const release of releases) {
    const archive = ARGO_CHART_ARCHIVE.exec(release.chart.value);
    if (!ARGO_CHART.test(release.chart.value) && !archive) continue;
    const version = release.version ?? (archive ? { ...release.chart, value: archive[2]! } : undefined);
    installs.push({
      via: release.via === 'helm' ? 'Helm chart' : 'HelmChart object',
      what:
        release.via === 'helm'
          ? `the Helm chart ${release.chart.value}`
          : `the HelmChart object ${release.name ?? ''} (chart ${release.chart.value})`.replace('  ', ' '),
      namespace: release.namespace,
      version,
      versionKind: 'chart version',
      location: release.location,
    });
  }
  return installs;
}
