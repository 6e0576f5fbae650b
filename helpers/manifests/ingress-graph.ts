// Part 2's graph: Ingress routes → Service (by name, port by number or name) → the workloads
// whose pod labels the Service selects → their container ports.
import type { Location } from '../target/location.ts';
import type { FieldPath } from './field-path.ts';
import { isRecord } from './kinds.ts';
import type { ManifestObject } from './model.ts';
import { labelsOf, matchesMap } from './selectors.ts';
import { containersOf, describeObject, isWorkload, podLabelsOf, valueAt } from './workloads.ts';

const INGRESS_API_VERSIONS = ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'extensions/v1beta1'];

export interface BackendRef {
  service: string;
  /** The Service port, by number or by name; undefined when the backend names none. */
  port?: number | string;
}

export interface Route {
  ingress: ManifestObject;
  /** The Host the rule matches; undefined for a default backend or a rule without host (any host). */
  host?: string;
  /** The path; undefined for a default backend (every path) or a legacy path without one. */
  path?: string;
  pathType?: string;
  source: 'default-backend' | 'rule';
  /**
   * Set on a default backend of an Ingress that also has rules. Traefik, K3s's ingress controller,
   * only uses spec.defaultBackend on an Ingress with no rules (pkg/provider/kubernetes/ingress/kubernetes.go),
   * so such a backend routes nothing.
   */
  besideRules?: boolean;
  /** The Service backend; undefined for a resource backend or one without a service name. */
  backend?: BackendRef;
  /** Where the backend is written in the Ingress. */
  at: FieldPath;
  location: Location;
}

export const isIngress = (obj: ManifestObject): boolean => obj.kind === 'Ingress' && INGRESS_API_VERSIONS.includes(obj.apiVersion);
export const namespaceOf = (obj: ManifestObject): string => obj.namespace ?? 'default';

/** Every route of every Ingress (networking.k8s.io/v1, and the legacy serviceName/servicePort form). */
export function ingressRoutes(objects: readonly ManifestObject[]): Route[] {
  const routes: Route[] = [];
  for (const ingress of objects.filter(isIngress)) {
    const spec = isRecord(ingress.body.spec) ? ingress.body.spec : {};
    const at = (path: FieldPath): Location => ({ file: ingress.location.file, line: ingress.lineOf(path) ?? ingress.location.line });
    const rules = Array.isArray(spec.rules) ? spec.rules : [];
    for (const key of ['defaultBackend', 'backend']) {
      if (spec[key] === undefined || spec[key] === null) continue;
      const path = ['spec', key];
      routes.push({
        ingress,
        source: 'default-backend',
        ...(rules.length ? { besideRules: true } : {}),
        backend: backendOf(spec[key]),
        at: path,
        location: at(path),
      });
    }
    rules.forEach((rule, ruleIndex) => {
      if (!isRecord(rule)) return;
      const host = typeof rule.host === 'string' && rule.host !== '' ? rule.host : undefined;
      const paths = valueAt(rule, ['http', 'paths']);
      if (!Array.isArray(paths)) return;
      paths.forEach((entry, pathIndex) => {
        if (!isRecord(entry)) return;
        const path = ['spec', 'rules', ruleIndex, 'http', 'paths', pathIndex, 'backend'];
        routes.push({
          ingress,
          host,
          ...(typeof entry.path === 'string' ? { path: entry.path } : {}),
          ...(typeof entry.pathType === 'string' ? { pathType: entry.pathType } : {}),
          source: 'rule',
          backend: backendOf(entry.backend),
          at: path,
          location: at(path),
        });
      });
    });
  }
  return routes;
}

function backendOf(value: unknown): BackendRef | undefined {
  if (!isRecord(value)) return undefined;
  if (isRecord(value.service)) {
    const { name, port } = value.service;
    if (typeof name !== 'string' || !name) return undefined;
    const number = isRecord(port) && typeof port.number === 'number' ? port.number : undefined;
    const portName = isRecord(port) && typeof port.name === 'string' && port.name ? port.name : undefined;
    return { service: name, ...(number !== undefined || portName !== undefined ? { port: number ?? portName } : {}) };
  }
  if (typeof value.serviceName === 'string' && value.serviceName) {
    const port = value.servicePort;
    return {
      service: value.serviceName,
      ...(typeof port === 'number' || (typeof port === 'string' && port) ? { port: numeric(port) } : {}),
    };
  }
  return undefined;
}

/** A route that serves requests for `/` (path `/`, or no path). */
export const servesRoot = (route: Route): boolean => route.path === undefined || route.path === '/' || route.path === '';

/** The route for a host and `/`, from all Ingress objects together. */
export function routeForHost(routes: readonly Route[], host: string): Route | undefined {
  return routes.find((route) => route.source === 'rule' && route.host?.toLowerCase() === host.toLowerCase() && servesRoot(route));
}

/**
 * The route requests for any other host take, from all Ingress objects together: a rule without
 * host serving `/`, else the default backend of an Ingress that has no rules (Traefik ignores one
 * beside rules).
 */
export function defaultRoute(routes: readonly Route[]): Route | undefined {
  return (
    routes.find((route) => route.source === 'rule' && route.host === undefined && servesRoot(route)) ??
    routes.find((route) => route.source === 'default-backend' && !route.besideRules)
  );
}

/** Default backends written on an Ingress that also has rules: Traefik does not route them. */
export const ignoredDefaultBackends = (routes: readonly Route[]): Route[] =>
  routes.filter((route) => route.source === 'default-backend' && route.besideRules);

/** The routes that carry traffic: every rule, and the default backends Traefik uses. */
export const servedRoutes = (routes: readonly Route[]): Route[] => routes.filter((route) => !route.besideRules);

export interface Hop {
  message: string;
  fix: string;
  location: Location;
  /** Set when the hop lacks an object rather than has a wrong one: the Service the route names, or a workload its selector matches. */
  missing?: 'Service' | 'workload';
}

export interface BackendResolution {
  route: Route;
  service?: ManifestObject;
  /** The Service port the backend names. */
  servicePort?: Record<string, unknown>;
  /** The workloads whose pods the Service selects. */
  workloads: ManifestObject[];
  /** What breaks the chain from the route to running containers. */
  problems: Hop[];
}

/** Follows a route to its Service, port, workloads and container ports. */
export function resolveBackend(route: Route, objects: readonly ManifestObject[]): BackendResolution {
  const result: BackendResolution = { route, workloads: [], problems: [] };
  const where = route.host ? `host ${route.host}` : route.source === 'default-backend' ? 'the default backend' : 'the rule without host';
  const backend = route.backend;
  if (!backend) {
    result.problems.push({
      message: `${where} of Ingress ${route.ingress.name ?? ''} has no Service backend`,
      fix: 'give the backend service.name and service.port (number or name)',
      location: route.location,
    });
    return result;
  }
  const namespace = namespaceOf(route.ingress);
  const services = objects.filter((obj) => obj.kind === 'Service' && obj.apiVersion === 'v1' && obj.name === backend.service);
  const service = services.find((obj) => namespaceOf(obj) === namespace);
  if (!service) {
    const elsewhere = services[0];
    result.problems.push({
      message: elsewhere
        ? `${where} routes to Service ${backend.service} in namespace ${namespace}, but that Service is in namespace ${namespaceOf(elsewhere)}`
        : `${where} routes to Service ${backend.service}, which the part does not define`,
      fix: elsewhere
        ? 'put the Ingress and its Services in the same namespace'
        : `define a Service named ${backend.service} (namespace ${namespace}) or correct the backend's service name`,
      location: route.location,
      missing: 'Service',
    });
    return result;
  }
  result.service = service;
  const serviceAt = (path: FieldPath): Location => ({ file: service.location.file, line: service.lineOf(path) ?? service.location.line });
  const spec = isRecord(service.body.spec) ? service.body.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
  if (backend.port === undefined) {
    result.problems.push({
      message: `${where} routes to Service ${backend.service} without naming a port`,
      fix: "set the backend's service.port.number (or service.port.name)",
      location: route.location,
    });
  } else {
    const portIndex = ports.findIndex((port) =>
      typeof backend.port === 'number' ? port.port === backend.port : port.name === backend.port,
    );
    if (portIndex < 0) {
      const listed =
        ports.map((port) => (port.name ? `${String(port.port)} (${String(port.name)})` : String(port.port))).join(', ') || 'none';
      result.problems.push({
        message: `${where} routes to port ${backend.port} of Service ${backend.service}, which has no such port (its ports: ${listed})`,
        fix: `use one of the Service's ports in the Ingress backend, or add port ${backend.port} to Service ${backend.service}`,
        location: route.location,
      });
    } else {
      result.servicePort = ports[portIndex];
    }
  }
  if (spec.type === 'ExternalName') {
    result.problems.push({
      message: `Service ${backend.service} is of type ExternalName: it points outside the cluster, at no workload of the part`,
      fix: "use a ClusterIP Service with a selector matching the app's pod labels",
      location: serviceAt(['spec', 'type']),
    });
    return result;
  }
  const selector = labelsOf(spec.selector);
  if (Object.keys(selector).length === 0) {
    result.problems.push({
      message: `Service ${backend.service} has no selector, so no pod receives its traffic`,
      fix: "add spec.selector with the labels of the app's pod template",
      location: serviceAt(['spec']),
    });
    return result;
  }
  const candidates = objects.filter((obj) => isWorkload(obj) && namespaceOf(obj) === namespace);
  result.workloads = candidates.filter((obj) => matchesMap(selector, podLabelsOf(obj)));
  if (result.workloads.length === 0) {
    const shown = Object.entries(selector)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const nearest = candidates.map(
      (obj) =>
        `${describeObject(obj)} has pods labelled ${
          Object.entries(podLabelsOf(obj))
            .map(([key, value]) => `${key}=${value}`)
            .join(',') || '(none)'
        }`,
    );
    result.problems.push({
      message: `Service ${backend.service} selects ${shown}, which no workload's pod template carries${nearest.length ? ` (${nearest.slice(0, 3).join('; ')})` : ''}`,
      fix: "make spec.selector of the Service equal to labels of the app's pod template (spec.template.metadata.labels)",
      location: serviceAt(['spec', 'selector']),
      missing: 'workload',
    });
    return result;
  }
  if (result.servicePort)
    result.problems.push(...targetPortProblems(service, result.servicePort, ports.indexOf(result.servicePort), result.workloads));
  return result;
}

function targetPortProblems(service: ManifestObject, port: Record<string, unknown>, index: number, workloads: ManifestObject[]): Hop[] {
  const target = port.targetPort === undefined || port.targetPort === null ? port.port : numeric(port.targetPort);
  const path = ['spec', 'ports', index, port.targetPort === undefined ? 'port' : 'targetPort'];
  const location = { file: service.location.file, line: service.lineOf(path) ?? service.location.line };
  const problems: Hop[] = [];
  for (const workload of workloads) {
    const containerPorts = containersOf(workload).flatMap((container) => container.ports);
    if (typeof target === 'string') {
      if (!containerPorts.some((item) => item.name === target)) {
        const named = containerPorts.filter((item) => item.name).map((item) => `${item.name} (${item.containerPort})`);
        problems.push({
          message: `Service ${service.name} sends traffic to the container port named ${target}, but ${describeObject(workload)} has no container port with that name${named.length ? ` (named ports: ${named.join(', ')})` : ''}`,
          fix: `name the container port "${target}" (ports: - name: ${target}) or set targetPort to the container port number`,
          location,
        });
      }
    } else if (typeof target === 'number' && containerPorts.length > 0 && !containerPorts.some((item) => item.containerPort === target)) {
      problems.push({
        message: `Service ${service.name} sends traffic to port ${target}, but ${describeObject(workload)} declares container ports ${containerPorts.map((item) => item.containerPort).join(', ')}`,
        fix: `set targetPort to the port the app listens on, or declare containerPort: ${target}`,
        location,
      });
    }
  }
  return problems;
}

/** "8080" in a backend or targetPort read as the number the user meant. */
function numeric(value: unknown): number | string | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return /^\d+$/.test(value) ? Number(value) : value;
  return undefined;
}
