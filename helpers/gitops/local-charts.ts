// Helm charts a part's scripts install from a local folder (`helm install app1 ./helm-chart -f
// app1-values.yaml`, drogonj/Inception-Of-Things's Part 2). The grader does not render Helm
// templates (CHECKS.md: files under a chart's templates/ are templates, not YAML), so the objects
// such a chart creates are unknown: a check must not fail for want of an object the chart may
// create, but skip, naming the chart, the way a kustomization skips when kubectl is absent.
// Which kinds a chart may create is read from the top-level `kind:` lines of its templates.
import { posix } from 'node:path';
import type { GradingContext } from '../target/grading-context.ts';
import { formatLocation, type Location } from '../target/location.ts';
import { partFiles } from '../shell/files.ts';
import { scriptFacts } from '../shell/facts.ts';
import type { ScriptFacts } from '../shell/model.ts';
import type { SubjectPart } from '../target/layout.ts';
import type { Target } from '../target/repository.ts';
import { unwrap } from './argv.ts';
import { helmReleases, type HelmRelease } from './helm.ts';

export interface LocalChartInstall {
  /** The chart as the command names it ('./helm-chart'). */
  chart: string;
  /** The chart's folder in the repository (relative to the target root), or the folder a `helm pull --untar` writes. */
  folder: string;
  /** The kinds its templates declare; undefined when they cannot be known (a pulled or cloned chart, subcharts, a templated kind). */
  kinds?: ReadonlySet<string>;
  /** How a chart that is not in the repository gets there: 'pulled from gitlab/gitlab at …', 'cloned from … at …'. */
  origin?: string;
  location: Location;
}

/** The local charts a part's scripts install, read once per grading run. */
export function localChartInstalls(ctx: GradingContext, part: SubjectPart): Promise<LocalChartInstall[]> {
  return ctx.once(`gitops:local-charts:${part}`, async () => localChartsOf(ctx.target, part, await scriptFacts(ctx, part)));
}

export function localChartsOf(target: Target, part: SubjectPart, scripts: readonly ScriptFacts[]): LocalChartInstall[] {
  const installs: LocalChartInstall[] = [];
  for (const release of helmReleases(scripts, [])) {
    const { pulledFrom, chart, location } = release;
    if (pulledFrom) {
      const origin = `pulled from ${pulledFrom.chart.value} at ${formatLocation(pulledFrom.location)}`;
      installs.push({ chart: chart.value, folder: pulledFrom.folder, origin, location });
      continue;
    }
    const folder = chartFolder(target, part, release);
    if (folder) {
      installs.push({ chart: chart.value, folder, kinds: templateKinds(target, folder), location });
      continue;
    }
    const clone = isExplicitPath(chart.value) && !release.repo ? cloneBefore(scripts, location) : undefined;
    if (clone) installs.push({ chart: chart.value, folder: chart.value, origin: clone, location });
  }
  return installs;
}

const isExplicitPath = (chart: string): boolean => /^(\.{1,2}\/|\/)/.test(chart);

/**
 * A `git clone` the script runs before `location`: a chart it then installs from a local path may
 * come from the cloned repository, which the grader does not fetch.
 */
function cloneBefore(scripts: readonly ScriptFacts[], location: Location): string | undefined {
  for (const script of scripts) {
    for (const command of script.commands) {
      if (command.location.file !== location.file || (command.location.line ?? 0) >= (location.line ?? 0)) continue;
      const words = unwrap(command.argv).map((word) => word.value);
      const url =
        words[1] === 'clone' && words[0]?.split('/').at(-1) === 'git' ? words.slice(2).find((word) => !word.startsWith('-')) : undefined;
      if (url) return `cloned from ${url} at ${formatLocation(command.location)}`;
    }
  }
  return undefined;
}

/** What a check may miss: 'Ingress', 'Service', or 'workload' for any kind whose pods a Service selects. */
export type ChartKind = 'Ingress' | 'Service' | 'workload';

const creates = (install: LocalChartInstall, kind: ChartKind): boolean =>
  !install.kinds || (kind === 'workload' ? [...install.kinds].some(isWorkloadKind) : install.kinds.has(kind));

/** True when a local chart of the part may create an object of `kind`. */
export const mayCreate = (installs: readonly LocalChartInstall[], kind: ChartKind): boolean =>
  installs.some((install) => creates(install, kind));

/**
 * The skip message of a check that lacks `what` (an object of one of `kinds`) when a local chart
 * of the part may create it; undefined when none may. `what` ends with the pronoun the message goes on with.
 */
export function chartSkip(installs: readonly LocalChartInstall[], kinds: readonly ChartKind[], what: string): string | undefined {
  const covering = installs.filter((install) => kinds.some((kind) => creates(install, kind)));
  if (!covering.length) return undefined;
  const byFolder = new Map<string, LocalChartInstall[]>();
  for (const install of covering) byFolder.set(install.folder, [...(byFolder.get(install.folder) ?? []), install]);
  const charts = [...byFolder].map(
    ([folder, same]) =>
      `${folder} (${same[0]!.origin ? `${same[0]!.origin}; ` : ''}installed at ${locations(same.map((install) => install.location))})`,
  );
  return `skipped: ${what} may come from the local Helm chart${charts.length > 1 ? 's' : ''} ${listed(charts)}, which the grader does not render (files under a chart's templates/ are templates, not YAML)`;
}

/** A Service an Ingress routes to that the part's YAML lacks, or the workload such a Service selects. */
export interface MissingObject {
  kind: 'Service' | 'workload';
  service: string;
  /** What routes to the Service ('app1.com'), when the message names it. */
  behind?: string;
}

/** The skip message when a local chart of the part may create every object of `missing`; undefined otherwise. */
export function missingObjectsSkip(installs: readonly LocalChartInstall[], missing: readonly MissingObject[]): string | undefined {
  if (!missing.length || !missing.every((item) => mayCreate(installs, item.kind))) return undefined;
  const named = (kind: MissingObject['kind']): string[] => [
    ...new Set(missing.filter((item) => item.kind === kind).map((item) => `${item.service}${item.behind ? ` behind ${item.behind}` : ''}`)),
  ];
  const services = named('Service');
  const workloads = named('workload');
  const plural = services.length + workloads.length > 1;
  const what = [
    services.length ? `Service${services.length > 1 ? 's' : ''} ${listed(services)}` : '',
    workloads.length
      ? `the workload${workloads.length > 1 ? 's' : ''} of Service${workloads.length > 1 ? 's' : ''} ${listed(workloads)}`
      : '',
  ].filter(Boolean);
  return chartSkip(
    installs,
    [...new Set(missing.map((item) => item.kind))],
    `${listed(what)} ${plural ? 'are' : 'is'} not in the part's YAML; ${plural ? 'they' : 'it'}`,
  );
}

/** Locations, a file named once for its lines: 'a.sh:25, 26 and 27'. */
function locations(items: readonly Location[]): string {
  const byFile = new Map<string, string[]>();
  for (const item of items) byFile.set(item.file, [...(byFile.get(item.file) ?? []), ...(item.line ? [String(item.line)] : [])]);
  return listed([...byFile].map(([file, lines]) => (lines.length ? `${file}:${listed([...new Set(lines)])}` : file)));
}

/** Kinds whose pods a Service can select (manifests/workloads.ts). */
const isWorkloadKind = (kind: string): boolean =>
  ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Pod'].includes(kind);

const CHART_FILE = /^Chart\.ya?ml$/;
const URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The folder of the part holding the chart a `helm install|upgrade` names: the path resolved as
 * the script's other paths are (its folder, /vagrant …), else the part's chart folder whose path
 * ends with it (a script that ran `cd` first). A `repo/chart` reference counts only when a folder
 * of the part has that whole path, as Helm tries a local path before a repository.
 */
function chartFolder(target: Target, part: SubjectPart, release: HelmRelease): string | undefined {
  const chart = release.chart.value;
  if (release.via !== 'helm' || release.repo || URL.test(chart) || release.chart.unresolved.length) return undefined;
  const clean = posix.normalize(chart).replace(/\/+$/, '');
  const resolved = partFiles(target, part, release.location.file).resolve(`${clean}/Chart.yaml`);
  if (resolved) return posix.dirname(resolved);
  const folders = target
    .filesOf(part)
    .filter((file) => CHART_FILE.test(posix.basename(file.path)))
    .map((file) => posix.dirname(file.path));
  const segments = clean.split('/').filter((segment) => segment && segment !== '.' && segment !== '..');
  const explicit = isExplicitPath(chart) || !chart.includes('/');
  for (let count = segments.length; count >= (explicit ? 1 : segments.length); count--) {
    const tail = segments.slice(-count).join('/');
    const found = folders.find((folder) => folder === tail || folder.endsWith(`/${tail}`));
    if (found) return found;
  }
  return undefined;
}

/**
 * The kinds a chart's templates declare at the top level. Unknown (undefined) when the chart has
 * subcharts, a template names its kind through a value, or renders without a top-level kind
 * (an `include` of a named template).
 */
function templateKinds(target: Target, folder: string): ReadonlySet<string> | undefined {
  const prefix = folder === '.' ? '' : `${folder}/`;
  const files = target.files.filter((file) => file.path.startsWith(prefix));
  if (files.some((file) => file.path.startsWith(`${prefix}charts/`))) return undefined;
  const chartFile = files.find((file) => CHART_FILE.test(file.path.slice(prefix.length)));
  if (chartFile?.text && /^dependencies:/m.test(chartFile.text)) return undefined;
  const kinds = new Set<string>();
  for (const file of files) {
    if (!file.path.startsWith(`${prefix}templates/`) || file.text === undefined) continue;
    const name = posix.basename(file.path);
    if (name === 'NOTES.txt') continue;
    const declared = [...file.text.matchAll(/^kind:[ \t]*(.*?)[ \t]*(?:#.*)?$/gm)].map((match) => match[1]!.replace(/^["']|["']$/g, ''));
    if (declared.some((kind) => !/^[A-Za-z][A-Za-z0-9]*$/.test(kind))) return undefined;
    if (!declared.length && !name.startsWith('_') && /\{\{-?\s*(include|template)\b/.test(file.text)) return undefined;
    for (const kind of declared) kinds.add(kind);
  }
  return kinds;
}

const listed = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
