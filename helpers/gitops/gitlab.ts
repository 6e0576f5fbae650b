// The bonus's GitLab: how the part deploys it (Helm chart, manifests running a gitlab-ce/ee
// image), and which host names the part makes point at the local machine or cluster.
import { isIP } from 'node:net';
import type { Location } from '../target/location.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { ScriptFacts, ShellCommand } from '../shell/model.ts';
import { applyOf, type KubectlApply } from './applies.ts';
import { flag, parseTool, unwrap } from './argv.ts';
import { syncOptions, type AppSource, type ArgoApplication } from './applications.ts';
import { dig, fieldOf, isRecord, where, type Field } from './field.ts';
import { valuesOfText, type HelmRelease } from './helm.ts';
import { containerImages, isDockerHub, parseImage } from './images.ts';
import { isLocalAddress, type LocalHostHints } from './repo-url.ts';

export interface GitLabDeployment {
  what: string;
  /** How a Helm install of the chart is made. */
  via?: HelmRelease['via'];
  /** Where it lands; undefined for the default namespace, or outside the cluster (docker run). */
  namespace?: Field;
  outsideCluster?: boolean;
  location: Location;
}

const GITLAB_CHART = /(^|\/)gitlab$|(^|\/)gitlab-\d[^/]*\.tgz$/;
/** GitLab's chart repository, or its OCI registry. */
const GITLAB_CHART_REPO = /(^|[/.@])charts\.gitlab\.io(\/|$)|registry\.gitlab\.com\/gitlab-org\/charts/;
const GITLAB_IMAGES = ['gitlab/gitlab-ce', 'gitlab/gitlab-ee'];
const isGitLabImage = (reference: string): boolean => GITLAB_IMAGES.some((repository) => isDockerHub(parseImage(reference), repository));

export function gitlabDeployments(
  scripts: readonly ScriptFacts[],
  objects: readonly ManifestObject[],
  releases: readonly HelmRelease[],
  applies: readonly KubectlApply[],
): GitLabDeployment[] {
  const found: GitLabDeployment[] = [];
  for (const release of releases) {
    if (!isGitLabRelease(release)) continue;
    const pulled = release.pulledFrom ? ` (pulled from ${release.pulledFrom.chart.value} at ${where(release.pulledFrom.location)})` : '';
    const what: Record<HelmRelease['via'], string> = {
      helm: `the Helm chart ${release.chart.value}${pulled}`,
      HelmChart: `the HelmChart object ${release.name ?? ''} (chart ${release.chart.value})`,
      terraform: `Terraform's helm_release ${release.name ?? ''} (chart ${release.chart.value})`,
      Application: `the Argo CD Application ${release.name ?? ''} of the chart ${release.chart.value}`,
    };
    found.push({ what: what[release.via], via: release.via, namespace: release.namespace, location: release.location });
  }
  const namespaceOf = (object: ManifestObject): Field | undefined =>
    object.namespace !== undefined
      ? fieldOf(object, ['metadata', 'namespace'])
      : object.origin === 'yaml'
        ? applyOf(object.location.file, applies)?.namespace
        : undefined;
  for (const object of objects) {
    const operated = operatorDeployment(object);
    if (operated) found.push({ what: operated, namespace: namespaceOf(object), location: object.location });
    const image = containerImages(object).find((container) => isGitLabImage(container.image.value));
    if (!image) continue;
    found.push({
      what: `${object.kind} ${object.name ?? ''} running ${image.image.value}`,
      namespace: namespaceOf(object),
      location: image.image.location,
    });
  }
  for (const command of scripts.flatMap((script) => script.commands)) {
    const words = unwrap(command.argv).map((word) => word.value);
    if (
      words[0]?.split('/').at(-1) === 'docker' &&
      (words[1] === 'run' || (words[1] === 'container' && words[2] === 'run')) &&
      words.some(isGitLabImage)
    )
      found.push({ what: `docker run ${words.find(isGitLabImage)}`, outsideCluster: true, location: command.location });
  }
  return found;
}

/** A release of GitLab's chart: by its name, or a local folder a `helm pull --untar` of GitLab's chart wrote. */
const isGitLabRelease = (release: HelmRelease): boolean =>
  GITLAB_CHART.test(release.chart.value) || (release.pulledFrom !== undefined && GITLAB_CHART.test(release.pulledFrom.chart.value));

/**
 * The GitLab Operator's custom resource (group apps.gitlab.com, version v1beta1, kind GitLab, the
 * CRD gitlabs.apps.gitlab.com of gitlab-org/cloud-native/gitlab-operator): the operator installs
 * GitLab's chart (spec.chart.version, with spec.chart.values) into the object's namespace.
 */
function operatorDeployment(object: ManifestObject): string | undefined {
  if (object.kind !== 'GitLab' || object.apiVersion !== 'apps.gitlab.com/v1beta1') return undefined;
  const version = dig(object.body, 'spec', 'chart', 'version');
  const chart = typeof version === 'string' || typeof version === 'number' ? `GitLab's chart ${version}` : "GitLab's chart";
  const name = object.name ? ` ${object.name}` : '';
  return `the GitLab object${name} (apps.gitlab.com/v1beta1), from which the GitLab Operator installs ${chart}`;
}

/**
 * GitLab's chart as an Argo CD Application installs it (`chart: gitlab` from charts.gitlab.io,
 * into its destination namespace), read as a Helm release: its parameters are --set values, its
 * values (or valuesObject) inline values.
 */
export function applicationCharts(apps: readonly ArgoApplication[]): HelmRelease[] {
  const releases: HelmRelease[] = [];
  for (const app of apps) {
    for (const source of app.sources) {
      if (!source.chart || !isGitLabChartSource(source)) continue;
      const sets = new Map<string, Field>();
      const parameters = source.helm?.parameters;
      for (const parameter of Array.isArray(parameters) ? parameters : [])
        if (isRecord(parameter) && typeof parameter.name === 'string' && parameter.value !== undefined)
          sets.set(parameter.name, { value: String(parameter.value), location: source.chart.location, unresolved: [] });
      const inline = typeof source.helm?.values === 'string' ? valuesOfText(source.helm.values) : undefined;
      releases.push({
        via: 'Application',
        name: app.name,
        chart: source.chart,
        repo: source.repoURL?.value,
        namespace: app.destination.namespace,
        version: source.targetRevision,
        createNamespace: syncOptions(app).includes('CreateNamespace=true'),
        sets,
        valuesFiles: [],
        values: source.helm?.valuesObject ?? inline,
        location: app.location,
      });
    }
  }
  return releases;
}

/** An Application source that installs GitLab's chart: it is not where the app's manifests come from. */
export const isGitLabChartSource = (source: AppSource): boolean =>
  source.chart !== undefined && GITLAB_CHART.test(source.chart.value) && GITLAB_CHART_REPO.test(source.repoURL?.value ?? '');

export interface HintFacts {
  scripts: readonly ScriptFacts[];
  objects: readonly ManifestObject[];
  releases: readonly HelmRelease[];
  apps: readonly ArgoApplication[];
  /** YAML documents of the part that are not objects (Helm values files …), as plain data. */
  configDocuments: readonly unknown[];
}

/** Namespaces the part uses and host names it maps to a local address. */
export function localHostHints(facts: HintFacts): LocalHostHints {
  const namespaces = new Set<string>(['gitlab', 'default', 'argocd']);
  const mappedHosts = new Map<string, string>();
  const map = (host: string, how: string): void => {
    const name = host.toLowerCase();
    if (!mappedHosts.has(name)) mappedHosts.set(name, how);
  };
  for (const object of facts.objects) {
    if (object.namespace) namespaces.add(object.namespace);
    if (object.kind === 'Namespace' && object.name) namespaces.add(object.name);
    if (object.kind === 'Ingress') {
      const rules = dig(object.body, 'spec', 'rules');
      if (Array.isArray(rules))
        for (const rule of rules)
          if (isRecord(rule) && typeof rule.host === 'string')
            map(rule.host, `host of the Ingress ${object.name ?? ''} in ${object.location.file}`.replace('  ', ' '));
    }
  }
  for (const release of facts.releases) if (release.namespace) namespaces.add(release.namespace.value);
  for (const app of facts.apps) if (app.destination.namespace) namespaces.add(app.destination.namespace.value);
  for (const script of facts.scripts) {
    for (const command of script.commands) {
      const kubectl = parseTool(command, 'kubectl');
      const namespace = kubectl && flag(kubectl, '--namespace');
      if (namespace) namespaces.add(namespace.value);
      for (const [ip, host] of hostsEntriesOf(command))
        if (isLocalAddress(ip)) map(host, `/etc/hosts entry written by ${command.location.file}:${command.location.line ?? '?'}`);
    }
    for (const written of script.writtenFiles) {
      if (written.path !== '/etc/hosts') continue;
      for (const [ip, host] of hostsEntries(written.content))
        if (isLocalAddress(ip)) map(host, `/etc/hosts entry written by ${written.location.file}:${written.location.line ?? '?'}`);
    }
  }
  for (const host of gitlabChartHosts(facts.releases, facts.configDocuments)) map(host, "the host of the GitLab chart's Ingress");
  return { namespaces, mappedHosts };
}

/** IP → host pairs in hosts-file text (comments and blank lines ignored). */
export function hostsEntries(text: string): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n|\\n/)) {
    const [ip, ...hosts] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (ip && isIP(ip)) for (const host of hosts) if (host) entries.push([ip, host.replace(/["']/g, '')]);
  }
  return entries;
}

/** Hosts entries a command writes into /etc/hosts: echo/printf … >> /etc/hosts, … | tee -a /etc/hosts, sh -c '…'. */
function hostsEntriesOf(command: ShellCommand): Array<[string, string]> {
  const words = unwrap(command.argv).map((word) => word.value);
  const target = command.writesTo === '/etc/hosts' || words.includes('/etc/hosts');
  const fed =
    command.pipedFrom && words[0] === 'tee' && words.includes('/etc/hosts') ? unwrap(command.pipedFrom.argv).map((word) => word.value) : [];
  if (!target && !fed.length) return [];
  const texts = [...fed, ...words, command.heredoc ?? ''];
  return texts.flatMap((text) => hostsEntries(text.replace(/^['"]|['"]$/g, '')));
}

/** Host names the GitLab chart's Ingress serves: gitlab.<global.hosts.domain> or global.hosts.gitlab.name. */
function gitlabChartHosts(releases: readonly HelmRelease[], configDocuments: readonly unknown[]): string[] {
  const gitlab = releases.filter(isGitLabRelease);
  if (!gitlab.length) return [];
  const hosts: string[] = [];
  const fromValues = (values: unknown): void => {
    const domain = dig(values, 'global', 'hosts', 'domain');
    const name = dig(values, 'global', 'hosts', 'gitlab', 'name');
    if (typeof domain === 'string') hosts.push(`gitlab.${domain}`);
    if (typeof name === 'string') hosts.push(name);
  };
  for (const release of gitlab) {
    const domain = release.sets.get('global.hosts.domain')?.value;
    const name = release.sets.get('global.hosts.gitlab.name')?.value;
    if (domain) hosts.push(`gitlab.${domain}`);
    if (name) hosts.push(name);
  }
  for (const document of configDocuments) fromValues(document);
  for (const release of gitlab) if (release.values !== undefined) fromValues(release.values);
  // The chart's default domain, when nothing sets one.
  if (!hosts.length) hosts.push('gitlab.example.com');
  return hosts;
}
