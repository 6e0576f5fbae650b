// G-YAML and Part 2's manifest checks: schema validity, then the Ingress → Service → workload
// graph (CHECKS.md, "Part 2"). One root cause, one failure: a check whose input is missing
// because another check failed skips, naming that check.
import { formatLocation, type Location } from '../target/location.ts';
import { fail, pass, skip, type CheckResult } from './result.ts';
import type { StaticChecks } from './context.ts';
import type { GradingContext } from '../target/grading-context.ts';
import { SUBJECT_PARTS, type SubjectPart } from '../target/layout.ts';
import {
  defaultRoute,
  ignoredDefaultBackends,
  ingressRoutes,
  isIngress,
  namespaceOf,
  resolveBackend,
  routeForHost,
  servedRoutes,
  type BackendResolution,
  type Route,
} from '../manifests/ingress-graph.ts';
import { parsePath } from '../manifests/field-path.ts';
import { kustomizeFacts } from '../manifests/kustomize.ts';
import type { ManifestObject } from '../manifests/model.ts';
import { objectsOf } from '../shell/part-objects.ts';
import { validateObject, type ObjectProblem } from '../manifests/validate.ts';
import { describeObject, valueAt } from '../manifests/workloads.ts';
import { yamlFiles } from '../manifests/yaml-files.ts';
import {
  chartSkip,
  localChartInstalls,
  mayCreate,
  missingObjectsSkip,
  type LocalChartInstall,
  type MissingObject,
} from '../gitops/local-charts.ts';

const PART: SubjectPart = 'p2';
const APP1 = 'app1.com';
const APP2 = 'app2.com';
const MAX_LISTED = 8;

const at = formatLocation;
const listed = (items: string[]): string =>
  items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join('; ')}; and ${items.length - MAX_LISTED} more` : items.join('; ');
const serviceKey = (route: Route): string => `${namespaceOf(route.ingress)}/${route.backend?.service}`;

// ---- G-YAML -----------------------------------------------------------------------------------

async function gYaml(ctx: GradingContext): Promise<CheckResult> {
  const problems: Array<{ text: string; location: Location; code?: string }> = [];
  let count = 0;
  for (const part of SUBJECT_PARTS) {
    for (const file of await yamlFiles(ctx, part)) {
      count++;
      if (file.problem) problems.push({ text: file.problem, location: { file: file.path } });
      for (const error of file.errors)
        problems.push({
          text: `${at({ file: file.path, line: error.line })}: ${error.message}`,
          location: { file: file.path, line: error.line },
          code: error.code,
        });
    }
  }
  if (count === 0) return pass('G-YAML', 'no YAML file under the parts (nothing to parse)');
  if (problems.length === 0) return pass('G-YAML', `${count} YAML file${count > 1 ? 's' : ''} parse, with no duplicate keys`);
  const fixes = new Set<string>();
  for (const problem of problems) {
    if (problem.code === 'DUPLICATE_KEY')
      fixes.add('remove or merge the repeated key (YAML keeps only one of them; kubectl rejects the file)');
    else if (problem.code === 'ALIAS_COUNT') fixes.add('write the values out instead of nesting aliases');
    else if (!problem.code) fixes.add('make the file plain UTF-8 text, small and inside the repository');
    else fixes.add('fix the YAML syntax at the line named (indentation, quotes, a missing ":"; yamllint shows details)');
  }
  return fail(
    'G-YAML',
    `${problems.length} YAML problem${problems.length > 1 ? 's' : ''}: ${listed(problems.map((problem) => problem.text))}`,
    [...fixes].join('; '),
    problems.map((problem) => problem.location),
  );
}

// ---- shared facts of Part 2 -------------------------------------------------------------------

interface PartTwo {
  objects: ManifestObject[];
  routes: Route[];
  ingresses: ManifestObject[];
  /** When something is missing from the manifests because another check failed, the skip message. */
  incompleteBecause?: string;
  /** Local Helm charts the part's scripts install: objects the grader does not see (helpers/gitops/local-charts.ts). */
  charts: LocalChartInstall[];
  /** The skip message when a route is missing and a local chart may create an Ingress. */
  ingressFromChart?: string;
}

function partTwo(ctx: GradingContext): Promise<PartTwo> {
  return ctx.once('checks:ingress:p2', async () => {
    const objects = await objectsOf(ctx, PART);
    const ingresses = objects.filter(isIngress);
    const charts = await localChartInstalls(ctx, PART);
    const ingressFromChart = chartSkip(charts, ['Ingress'], "the part's Ingress routes");
    return {
      objects,
      ingresses,
      routes: ingressRoutes(objects),
      incompleteBecause: await incompleteBecause(ctx),
      charts,
      ingressFromChart,
    };
  });
}

/** Why the part's objects may be incomplete: a YAML file that does not parse, a kustomization not built. */
async function incompleteBecause(ctx: GradingContext): Promise<string | undefined> {
  const broken = (await yamlFiles(ctx, PART)).find((file) => file.problem || file.errors.length);
  if (broken)
    return `skipped: G-YAML failed (${broken.problem ?? `${at({ file: broken.path, line: broken.errors[0].line })}: ${broken.errors[0].message}`}), so the part's objects are incomplete`;
  const builds = (await kustomizeFacts(ctx, PART)).builds;
  const failed = builds.find((build) => build.error);
  if (failed) return `skipped: P2-MANIFESTS failed (${failed.error})`;
  const notBuilt = builds.find((build) => build.notBuilt);
  if (notBuilt) return `skipped: ${notBuilt.notBuilt}`;
  return undefined;
}

/** A failure, unless the part's objects are incomplete for a reason another check owns, or what is missing may come from a local chart (`chart`: the skip message). */
const failOrSkip = (p2: PartTwo, id: string, message: string, fix: string, locations: Location[] = [], chart?: string): CheckResult =>
  p2.incompleteBecause ? skip(id, p2.incompleteBecause, locations) : chart ? skip(id, chart, locations) : fail(id, message, fix, locations);

/** Placeholders still unresolved in the Ingress hosts, named when a host is not found. */
function unresolvedHosts(p2: PartTwo): string[] {
  return p2.ingresses.flatMap((ingress) =>
    Object.entries(ingress.unresolved)
      .filter(([path]) => /^spec\.rules\[\d+\]\.host$/.test(path))
      .map(
        ([path, names]) =>
          `${at({ file: ingress.location.file, line: ingress.lineOf(parsePath(path)) })}: host placeholder ${names.join(', ')} is not set`,
      ),
  );
}

const describeRoute = (route: Route): string =>
  route.host ? `host ${route.host}` : route.source === 'default-backend' ? 'the default backend' : 'the rule without host';

// ---- P2-MANIFESTS -------------------------------------------------------------------------------

async function p2Manifests(ctx: GradingContext): Promise<CheckResult> {
  const { objects } = await partTwo(ctx);
  const checked = objects.filter((obj) => obj.origin !== 'script');
  const problems: Array<{ text: string; location: Location; kind?: ObjectProblem['kind'] }> = [];
  for (const obj of checked) {
    for (const problem of validateObject(obj)) {
      const location = { file: obj.location.file, line: problem.line ?? obj.location.line };
      problems.push({ text: `${at(location)}: ${describeObject(obj)}: ${problem.message}`, location, kind: problem.kind });
    }
  }
  const facts = await kustomizeFacts(ctx, PART);
  for (const build of facts.builds)
    if (build.error) problems.push({ text: `${build.kustomization.file}: ${build.error}`, location: { file: build.kustomization.file } });
  if (problems.length)
    return fail(
      'P2-MANIFESTS',
      `${problems.length} problem${problems.length > 1 ? 's' : ''} the API server would reject: ${listed(problems.map((problem) => problem.text))}`,
      `correct each field named (a misspelt field is dropped or rejected by the API server; \`kubectl apply --dry-run=server -f\` shows the same errors)${problems.some((problem) => problem.kind === 'invalid-key') ? '; write a label or annotation key as name or prefix/name, the prefix a lowercase DNS name such as app.kubernetes.io or iot.example.com' : ''}`,
      problems.map((problem) => problem.location),
    );
  const notBuilt = facts.builds.find((build) => build.notBuilt);
  if (notBuilt) return skip('P2-MANIFESTS', `skipped: ${notBuilt.notBuilt}; the ${checked.length} objects read as written are valid`);
  if (checked.length === 0) return pass('P2-MANIFESTS', 'the part declares no Kubernetes object in YAML (nothing to validate)');
  return pass(
    'P2-MANIFESTS',
    `${checked.length} object${checked.length > 1 ? 's are' : ' is'} schema-valid: ${listed(checked.map(describeObject))}`,
  );
}

// ---- P2-INGRESS-HOSTS ---------------------------------------------------------------------------

async function p2IngressHosts(ctx: GradingContext): Promise<CheckResult> {
  const id = 'P2-INGRESS-HOSTS';
  const p2 = await partTwo(ctx);
  if (p2.ingresses.length === 0) {
    // Routers of another API (Traefik's IngressRoute, Gateway API routes) do the job in a cluster, but the subject asks for an Ingress.
    const routers = p2.objects.filter((obj) => /^(IngressRoute|HTTPRoute)$/.test(obj.kind));
    const instead = routers.length
      ? `; the ${[...new Set(routers.map((obj) => obj.kind))].join(' and ')} object${routers.length > 1 ? 's' : ''} at ${listed(routers.map((obj) => at(obj.location)))} ${routers.length > 1 ? 'are not Ingress objects' : 'is not an Ingress object'}: the subject asks for an Ingress`
      : '';
    return failOrSkip(
      p2,
      id,
      `the part has no Ingress object, so nothing routes app1.com and app2.com${instead}`,
      "add an Ingress (apiVersion networking.k8s.io/v1) with a rule for host app1.com and one for host app2.com, each with path / to its app's Service",
      routers.map((obj) => obj.location),
      chartSkip(p2.charts, ['Ingress'], 'the part has no Ingress object in YAML; the Ingress routing app1.com and app2.com'),
    );
  }
  const found = [APP1, APP2].map((host) => ({ host, route: routeForHost(p2.routes, host) }));
  const absent = found.filter((item) => !item.route);
  if (absent.length) {
    const hosts = [
      ...new Set(p2.routes.filter((route) => route.host).map((route) => `${route.host}${route.path ? ` (path ${route.path})` : ''}`)),
    ];
    const placeholders = unresolvedHosts(p2);
    return failOrSkip(
      p2,
      id,
      `no Ingress rule routes ${absent.map((item) => `host ${item.host}`).join(' or ')} with path /${hosts.length ? `; the rules route ${hosts.join(', ')}` : ''}${placeholders.length ? `; ${placeholders.join('; ')}` : ''}`,
      `add a rule to the Ingress: \`- host: ${absent[0].host}\` with \`http.paths: [{path: /, pathType: Prefix, backend: {service: {name: <the app's Service>, port: {number: 80}}}}]\``,
      p2.ingresses.map((ingress) => ingress.location),
      chartSkip(p2.charts, ['Ingress'], `no Ingress in YAML routes ${absent.map((item) => `host ${item.host}`).join(' or ')}; that route`),
    );
  }
  const [first, second] = found.map((item) => item.route as Route);
  for (const route of [first, second])
    if (!route.backend)
      return fail(
        id,
        `${at(route.location)}: the rule for ${route.host} has no Service backend`,
        'give the backend service.name and service.port',
        [route.location],
      );
  if (serviceKey(first) === serviceKey(second))
    return fail(
      id,
      `${at(first.location)} and ${at(second.location)}: app1.com and app2.com both route to Service ${first.backend?.service}`,
      'route app2.com to its own Service (one Service per app)',
      [first.location, second.location],
    );
  return pass(
    id,
    `app1.com → Service ${first.backend?.service} (${at(first.location)}), app2.com → Service ${second.backend?.service} (${at(second.location)})`,
    [first.location, second.location],
  );
}

// ---- P2-INGRESS-DEFAULT -------------------------------------------------------------------------

async function p2IngressDefault(ctx: GradingContext): Promise<CheckResult> {
  const id = 'P2-INGRESS-DEFAULT';
  const p2 = await partTwo(ctx);
  if (p2.ingresses.length === 0)
    return skip(id, p2.incompleteBecause ?? p2.ingressFromChart ?? 'skipped: P2-INGRESS-HOSTS failed (the part has no Ingress)');
  const route = defaultRoute(p2.routes);
  const ignored = ignoredDefaultBackends(p2.routes);
  if (!route) {
    if (ignored.length)
      return failOrSkip(
        p2,
        id,
        `${listed(ignored.map((backend) => `spec.defaultBackend of Ingress ${backend.ingress.name ?? ''} (${at(backend.location)})`))} ${ignored.length > 1 ? 'are' : 'is'} ignored: Traefik, K3s's ingress controller, only uses spec.defaultBackend on an Ingress that has no rules, so requests for other hosts get its 404 page`,
        `route other hosts with a rule that has no host, in the Ingress's rules: ${hostlessRule(ignored[0].backend?.service, ignored[0].backend?.port)} (or move spec.defaultBackend to a separate Ingress that has no rules)`,
        ignored.map((backend) => backend.location),
        chartSkip(p2.charts, ['Ingress'], 'no Ingress in YAML routes other hosts; that route'),
      );
    return failOrSkip(
      p2,
      id,
      `no Ingress routes requests for other hosts: none has a rule without host, and no Ingress without rules has spec.defaultBackend (${p2.ingresses.map((ingress) => at(ingress.location)).join(', ')})`,
      `add a rule with no host to the Ingress's rules: ${hostlessRule()} (or a separate Ingress with no rules and spec.defaultBackend)`,
      p2.ingresses.map((ingress) => ingress.location),
      chartSkip(p2.charts, ['Ingress'], 'no Ingress in YAML routes other hosts; that route'),
    );
  }
  if (!route.backend)
    return fail(id, `${at(route.location)}: ${describeRoute(route)} has no Service backend`, 'give it service.name and service.port', [
      route.location,
    ]);
  const taken = [APP1, APP2].flatMap((host) => {
    const hostRoute = routeForHost(p2.routes, host);
    return hostRoute?.backend && serviceKey(hostRoute) === serviceKey(route) ? [host] : [];
  });
  if (taken.length)
    return fail(
      id,
      `${at(route.location)}: other hosts reach Service ${route.backend.service}, the same Service as ${taken.join(' and ')}`,
      'route other hosts to a third Service (app3), distinct from those of app1.com and app2.com',
      [route.location],
    );
  const unused = ignored.length
    ? `; the spec.defaultBackend at ${listed(ignored.map((backend) => at(backend.location)))} is ignored by Traefik, as its Ingress has rules`
    : '';
  return pass(id, `other hosts → Service ${route.backend.service} (${describeRoute(route)}, ${at(route.location)})${unused}`, [
    route.location,
  ]);
}

/** The rule that routes every other host, as a student writes it into the Ingress's rules. */
const hostlessRule = (service = "<app3's Service>", port: number | string = 80): string =>
  `\`- http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: ${service}, port: {${typeof port === 'number' ? 'number' : 'name'}: ${port}}}}}]}\``;

// ---- P2-BACKENDS --------------------------------------------------------------------------------

async function p2Backends(ctx: GradingContext): Promise<CheckResult> {
  const id = 'P2-BACKENDS';
  const p2 = await partTwo(ctx);
  // A default backend Traefik ignores routes nothing: P2-INGRESS-DEFAULT owns it.
  const routes = servedRoutes(p2.routes).filter((route) => route.backend);
  const hostsFromChart = [APP1, APP2].some((host) => !routeForHost(p2.routes, host)) ? p2.ingressFromChart : undefined;
  if (routes.length === 0)
    return skip(id, p2.incompleteBecause ?? hostsFromChart ?? 'skipped: P2-INGRESS-HOSTS failed (no Ingress routes to a Service)');
  const seen = new Set<string>();
  const problems: Array<{ text: string; fix: string; location: Location }> = [];
  const reached: string[] = [];
  const fromCharts: MissingObject[] = [];
  for (const route of routes) {
    const key = `${serviceKey(route)}:${String(route.backend?.port)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const resolution = resolveBackend(route, p2.objects);
    for (const problem of resolution.problems) {
      // A Service or workload that a local Helm chart of the part may create is not missing (helpers/gitops/local-charts.ts).
      if (problem.missing && mayCreate(p2.charts, problem.missing))
        fromCharts.push({ kind: problem.missing, service: route.backend!.service });
      else problems.push({ text: `${at(problem.location)}: ${problem.message}`, fix: problem.fix, location: problem.location });
    }
    if (resolution.problems.length === 0)
      reached.push(`Service ${route.backend?.service} → ${resolution.workloads.map(describeObject).join(', ')}`);
  }
  if (!problems.length && fromCharts.length) return skip(id, p2.incompleteBecause ?? missingObjectsSkip(p2.charts, fromCharts)!);
  if (problems.length)
    return failOrSkip(
      p2,
      id,
      `${problems.length} broken backend${problems.length > 1 ? 's' : ''}: ${listed(problems.map((problem) => problem.text))}`,
      [...new Set(problems.map((problem) => problem.fix))].join('; '),
      problems.map((problem) => problem.location),
    );
  return pass(id, `every Service the Ingress routes to exists, with its port, and selects a workload: ${reached.join('; ')}`);
}

// ---- P2-THREE-APPS and P2-APP2-REPLICAS ---------------------------------------------------------

type Reach = { label: string; resolution: BackendResolution } | { skipped: CheckResult };

function reach(p2: PartTwo, id: string, label: string, route: Route | undefined, owner: string): Reach {
  if (!route?.backend)
    return {
      skipped: skip(
        id,
        p2.incompleteBecause ?? (route ? undefined : p2.ingressFromChart) ?? `skipped: ${owner} failed (no route for ${label})`,
      ),
    };
  const resolution = resolveBackend(route, p2.objects);
  if (resolution.workloads.length === 0) {
    const reason = resolution.problems[0]?.message ?? `Service ${route.backend.service} selects no workload`;
    const missing = resolution.problems[0]?.missing;
    const chart = missing && missingObjectsSkip(p2.charts, [{ kind: missing, service: route.backend.service, behind: label }]);
    return { skipped: skip(id, p2.incompleteBecause ?? (chart || `skipped: P2-BACKENDS failed (${reason})`)) };
  }
  return { label, resolution };
}

const workloadKey = (obj: ManifestObject): string => `${obj.kind}/${namespaceOf(obj)}/${obj.name}`;

async function p2ThreeApps(ctx: GradingContext): Promise<CheckResult> {
  const id = 'P2-THREE-APPS';
  const p2 = await partTwo(ctx);
  const reaches = [
    reach(p2, id, APP1, routeForHost(p2.routes, APP1), 'P2-INGRESS-HOSTS'),
    reach(p2, id, APP2, routeForHost(p2.routes, APP2), 'P2-INGRESS-HOSTS'),
    reach(p2, id, 'other hosts', defaultRoute(p2.routes), 'P2-INGRESS-DEFAULT'),
  ];
  for (const item of reaches) if ('skipped' in item) return item.skipped;
  const apps = reaches as Array<Extract<Reach, { label: string }>>;
  const problems: string[] = [];
  const locations: Location[] = [];
  for (let i = 0; i < apps.length; i++) {
    for (let j = i + 1; j < apps.length; j++) {
      const shared = apps[i].resolution.workloads.filter((w) =>
        apps[j].resolution.workloads.some((other) => workloadKey(other) === workloadKey(w)),
      );
      if (shared.length) {
        problems.push(`${apps[i].label} and ${apps[j].label} both reach ${shared.map(describeObject).join(', ')}`);
        locations.push(...shared.map((w) => w.location));
      }
    }
  }
  for (const app of apps) {
    if (app.resolution.workloads.length > 1) {
      const service = app.resolution.service;
      problems.push(
        `Service ${service?.name} (${service ? at({ file: service.location.file, line: service.lineOf(['spec', 'selector']) }) : '?'}) behind ${app.label} selects the pods of ${app.resolution.workloads.map(describeObject).join(', ')}`,
      );
    }
  }
  if (problems.length)
    return fail(
      id,
      `the three routes do not reach three different workloads: ${[...new Set(problems)].join('; ')}`,
      'give each app its own Deployment with its own pod label (app: app1, app2, app3) and make each Service select only that label',
      locations,
    );
  return pass(
    id,
    apps.map((app) => `${app.label} → ${app.resolution.workloads.map(describeObject).join(', ')}`).join('; '),
    apps.flatMap((app) => app.resolution.workloads.map((w) => w.location)),
  );
}

async function p2App2Replicas(ctx: GradingContext): Promise<CheckResult> {
  const id = 'P2-APP2-REPLICAS';
  const p2 = await partTwo(ctx);
  const item = reach(p2, id, APP2, routeForHost(p2.routes, APP2), 'P2-INGRESS-HOSTS');
  if ('skipped' in item) return item.skipped;
  const workloads = item.resolution.workloads;
  if (workloads.length > 1)
    return skip(id, `skipped: P2-THREE-APPS failed (the Service behind app2.com selects ${workloads.map(describeObject).join(', ')})`);
  // A workload app2.com shares with another route is not app2's own: P2-THREE-APPS owns that.
  for (const [label, route] of [
    [APP1, routeForHost(p2.routes, APP1)],
    ['other hosts', defaultRoute(p2.routes)],
  ] as const) {
    if (!route?.backend) continue;
    const shared = resolveBackend(route, p2.objects).workloads.some((other) => workloadKey(other) === workloadKey(workloads[0]));
    if (shared) return skip(id, `skipped: P2-THREE-APPS failed (app2.com and ${label} both reach ${describeObject(workloads[0])})`);
  }
  const workload = workloads[0];
  const location = { file: workload.location.file, line: workload.lineOf(['spec', 'replicas']) ?? workload.location.line };
  const name = describeObject(workload);
  if (workload.kind === 'DaemonSet' || workload.kind === 'Pod')
    return fail(
      id,
      `${at(workload.location)}: app2.com reaches ${name}, which cannot run 3 replicas`,
      'run app2 as a Deployment with spec.replicas: 3',
      [workload.location],
    );
  const autoscalers = p2.objects.filter((obj) => {
    if (obj.kind !== 'HorizontalPodAutoscaler' || namespaceOf(obj) !== namespaceOf(workload)) return false;
    const target = valueAt(obj.body, ['spec', 'scaleTargetRef']) as { kind?: unknown; name?: unknown } | undefined;
    return target?.kind === workload.kind && target?.name === workload.name;
  });
  const hpaNote = autoscalers.length ? ` (the minReplicas of HorizontalPodAutoscaler ${autoscalers[0].name} does not count)` : '';
  const placeholder = workload.unresolved['spec.replicas'];
  if (placeholder)
    return fail(
      id,
      `${at(location)}: ${name} sets spec.replicas to ${placeholder.join(', ')}, a placeholder that is not set${hpaNote}`,
      "define the variable in the target's .env or write spec.replicas: 3",
      [location],
    );
  const replicas = valueAt(workload.body, ['spec', 'replicas']);
  if (replicas === undefined || replicas === null)
    return fail(
      id,
      `${at(workload.location)}: ${name} behind app2.com does not set spec.replicas, so it runs 1 pod${hpaNote}`,
      `set spec.replicas: 3 in ${name}`,
      [workload.location],
    );
  if (Number(replicas) !== 3)
    return fail(
      id,
      `${at(location)}: ${name} behind app2.com has spec.replicas: ${String(replicas)}${hpaNote}`,
      `set spec.replicas: 3 in ${name}`,
      [location],
    );
  return pass(id, `${name} behind app2.com has spec.replicas: 3 (${at(location)})`, [location]);
}

export const ingressChecks = {
  'G-YAML': gYaml,
  'P2-MANIFESTS': p2Manifests,
  'P2-INGRESS-HOSTS': p2IngressHosts,
  'P2-INGRESS-DEFAULT': p2IngressDefault,
  'P2-BACKENDS': p2Backends,
  'P2-THREE-APPS': p2ThreeApps,
  'P2-APP2-REPLICAS': p2App2Replicas,
} satisfies StaticChecks;
