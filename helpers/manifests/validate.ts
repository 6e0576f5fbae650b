// Schema validation of one object, as strict as the API server with field validation on:
// types and required fields (kubernetes-models' compiled schemas), unknown fields at every
// depth, and the names, labels and annotations the API server accepts.
import { formatPath, type FieldPath } from './field-path.ts';
import { closest, isRecord, schemaOf, type AjvError, type SchemaValidator } from './kinds.ts';
import type { ManifestObject } from './model.ts';
import { checkName, dns1123Label, labelValue, nameRuleOf, portName, qualifiedName } from './names.ts';
import { isEmptyLabelSelector, labelsOf, matchesLabelSelector, matchesMap } from './selectors.ts';
import { podTemplatePaths, valueAt } from './workloads.ts';

export interface ObjectProblem {
  /**
   * 'unset-placeholder': the field holds a placeholder nothing sets; 'invalid-key': a label or annotation key
   * of the wrong form; 'rejected': any other value the API server rejects.
   */
  kind: 'unset-placeholder' | 'invalid-key' | 'rejected';
  /** "spec.replicaz: unknown field; did you mean replicas?" */
  message: string;
  line?: number;
  /** The field the problem is about, as written in the message. */
  path?: string;
}

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Every problem the API server would report for this object (empty when it would accept it). */
export function validateObject(obj: ManifestObject): ObjectProblem[] {
  const problems = new Problems(obj);
  const schema = schemaOf(obj.apiVersion, obj.kind);
  switch (schema.status) {
    case 'removed': {
      const hint =
        obj.kind === 'Ingress'
          ? ' (backends become service.name and service.port.number or service.port.name, and each path needs a pathType)'
          : '';
      const use = schema.replacement ? `; use apiVersion ${schema.replacement}${hint}` : '';
      problems.add(['apiVersion'], `${obj.apiVersion} ${obj.kind} is no longer served: Kubernetes removed it in ${schema.removedIn}${use}`);
      break;
    }
    case 'unknown':
      problems.add(['kind'], schema.message);
      break;
    case 'served':
      checkSchema(schema.validate, obj.body, problems);
      break;
    case 'no-schema':
      break;
  }
  checkMetadata(obj, problems);
  checkPodTemplate(obj, problems);
  checkService(obj, problems);
  checkWorkloadSelector(obj, problems);
  return problems.list();
}

class Problems {
  private readonly obj: ManifestObject;
  private readonly found = new Map<string, ObjectProblem & { order: number }>();
  private readonly placeholders: Array<[string, string[]]>;

  constructor(obj: ManifestObject) {
    this.obj = obj;
    this.placeholders = Object.entries(obj.unresolved ?? {});
  }

  add(path: FieldPath, message: string, linePath: FieldPath = path, kind: 'invalid-key' | 'rejected' = 'rejected'): void {
    const field = formatPath(path);
    // A value still holding a placeholder is wrong because the placeholder is not set, not because of its form.
    const placeholder = this.placeholders.find(([at]) => field === at || field.startsWith(`${at}.`) || field.startsWith(`${at}[`));
    const text = placeholder
      ? `${placeholder[0]}: placeholder ${placeholder[1].join(', ')} is not set; define it in the target's .env (or .env.example) or write the value`
      : `${field}: ${message}`;
    // One problem per field: the first found (the schema's) is the one the API server reports.
    const key = placeholder ? placeholder[0] : field;
    if (this.found.has(key)) return;
    const line = this.obj.lineOf(linePath) ?? this.obj.location.line;
    this.found.set(key, { kind: placeholder ? 'unset-placeholder' : kind, message: text, line, path: key, order: this.found.size });
  }

  /** A label or annotation key of the wrong form. */
  invalidKey(path: FieldPath, message: string): void {
    this.add(path, message, path, 'invalid-key');
  }

  list(): ObjectProblem[] {
    return [...this.found.values()]
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.order - b.order)
      .map(({ kind, message, line, path }) => (line === undefined ? { kind, message, path } : { kind, message, line, path }));
  }
}

// ---- schema: types, required fields, unknown fields ----------------------------------------

interface Visit {
  path: Array<string | number>;
  keys: string[];
  read: Set<string>;
  enumerated: boolean;
}

/**
 * Runs the compiled schema on a copy of the data whose objects record which properties the
 * validator looks up. A schema object with properties reads each of them; a map
 * (additionalProperties) enumerates its keys; a free-form object (x-kubernetes-preserve-unknown-fields,
 * RawExtension) is never looked into. So the unknown fields of an object are its keys the
 * validator did not read, when it read some and enumerated none.
 */
function checkSchema(validate: SchemaValidator, data: unknown, problems: Problems): void {
  const visits: Visit[] = [];
  const instrument = (value: unknown, path: Array<string | number>): unknown => {
    if (Array.isArray(value)) return value.map((item, index) => instrument(item, [...path, index]));
    if (!isRecord(value)) return value;
    const visit: Visit = { path, keys: Object.keys(value), read: new Set(), enumerated: false };
    visits.push(visit);
    const copy = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, instrument(item, [...path, key])]));
    return new Proxy(copy, {
      get(target, key, receiver) {
        if (typeof key === 'string') visit.read.add(key);
        return Reflect.get(target, key, receiver);
      },
      has(target, key) {
        if (typeof key === 'string') visit.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        visit.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  const valid = validate(instrument(data, []));
  for (const visit of visits) {
    if (visit.enumerated || visit.read.size === 0) continue;
    for (const key of visit.keys) {
      if (visit.read.has(key)) continue;
      const suggestion = closest(key, [...visit.read]);
      problems.add(
        [...visit.path, key],
        `unknown field${suggestion ? `; did you mean ${suggestion}?` : `; remove it (known fields here: ${[...visit.read].sort().join(', ')})`}`,
      );
    }
  }
  if (!valid)
    for (const problem of describeAjvErrors(validate.errors ?? [], data)) problems.add(problem.path, problem.message, problem.linePath);
}

function describeAjvErrors(errors: AjvError[], data: unknown): Array<{ path: FieldPath; linePath: FieldPath; message: string }> {
  const byPath = new Map<string, AjvError[]>();
  for (const error of errors) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  const described: Array<{ path: FieldPath; linePath: FieldPath; message: string }> = [];
  for (const [instancePath, group] of byPath) {
    const path = decodePointer(instancePath, data);
    const value = valueAt(data, path);
    const alternatives = group.find((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf');
    if (alternatives) {
      const types = group.filter((error) => error.keyword === 'type').map((error) => String(error.params.type));
      const expected = types.length ? types.map(article).join(' or ') : 'one of the allowed forms';
      described.push({ path, linePath: path, message: `must be ${expected}, not ${describeValue(value)}` });
      continue;
    }
    for (const error of group) {
      const params = error.params;
      switch (error.keyword) {
        case 'required':
          described.push({ path: [...path, String(params.missingProperty)], linePath: path, message: 'required field is missing' });
          break;
        case 'type':
          described.push({
            path,
            linePath: path,
            message: `must be ${[params.type].flat().map(String).map(article).join(' or ')}, not ${describeValue(value)}`,
          });
          break;
        case 'enum':
          described.push({
            path,
            linePath: path,
            message: `must be one of ${(params.allowedValues as unknown[]).map((item) => JSON.stringify(item)).join(', ')}, not ${describeValue(value)}`,
          });
          break;
        case 'format':
          described.push({
            path,
            linePath: path,
            message: /^int(32|64)$/.test(String(params.format))
              ? `${describeValue(value)} is out of range for ${params.format}`
              : `${describeValue(value)} is not a valid ${params.format}`,
          });
          break;
        default:
          described.push({
            path,
            linePath: path,
            message: (error as AjvError & { message?: string }).message ?? `fails the schema rule "${error.keyword}"`,
          });
      }
    }
  }
  return described;
}

function decodePointer(pointer: string, data: unknown): Array<string | number> {
  const path: Array<string | number> = [];
  let value = data;
  for (const raw of pointer.split('/').slice(1)) {
    const step = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^\d+$/.test(step)) {
      path.push(Number(step));
      value = value[Number(step)];
    } else {
      path.push(step);
      value = isRecord(value) ? value[step] : undefined;
    }
  }
  return path;
}

const article = (type: string): string =>
  ({
    integer: 'an integer',
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    boolean: 'true or false',
    number: 'a number',
    null: 'null',
  })[type] ?? type;

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return String(value);
}

// ---- names, labels, annotations ---------------------------------------------------------------

function checkMetadata(obj: ManifestObject, problems: Problems): void {
  const metadata = obj.body.metadata;
  if (!isRecord(metadata)) {
    problems.add(['metadata', 'name'], 'required field is missing', []);
    return;
  }
  if (typeof metadata.name === 'string') {
    // A CronJob's name gets an 11-character suffix on its Jobs, a Job's name becomes a label value.
    const limit = obj.kind === 'CronJob' ? 52 : obj.kind === 'Job' ? 63 : undefined;
    const tooLong =
      limit !== undefined && metadata.name.length > limit && isBuiltIn(obj)
        ? `"${metadata.name}" is longer than ${limit} characters`
        : undefined;
    const problem =
      metadata.name === '' ? 'must not be empty' : (checkName(metadata.name, nameRuleOf(obj.apiVersion, obj.kind)) ?? tooLong);
    if (problem) problems.add(['metadata', 'name'], problem);
  } else if (metadata.name === undefined || metadata.name === null) {
    if (typeof metadata.generateName !== 'string') problems.add(['metadata', 'name'], 'required field is missing', ['metadata']);
  } else if (schemaOf(obj.apiVersion, obj.kind).status !== 'served') {
    problems.add(['metadata', 'name'], 'must be a string');
  }
  if (typeof metadata.namespace === 'string' && metadata.namespace !== '') {
    const problem = dns1123Label(metadata.namespace);
    if (problem) problems.add(['metadata', 'namespace'], problem);
  }
  checkLabelsAndAnnotations(metadata, ['metadata'], problems);
}

function checkLabelsAndAnnotations(metadata: Record<string, unknown>, at: FieldPath, problems: Problems): void {
  checkLabels(metadata.labels, [...at, 'labels'], problems);
  const annotations = metadata.annotations;
  if (!isRecord(annotations)) return;
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    // The API server checks annotation keys case-insensitively (ValidateAnnotations lowercases them); label keys not.
    const problem = qualifiedName(key.toLowerCase());
    if (problem) problems.invalidKey([...at, 'annotations', key], `invalid annotation key "${key}": ${problem}`);
    if (typeof value !== 'string')
      problems.add([...at, 'annotations', key], `annotation values must be strings, not ${describeValue(value)}; quote it`);
    size += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (size > MAX_ANNOTATIONS_BYTES)
    problems.add([...at, 'annotations'], `annotations total ${size} bytes, over the 256 KiB the API server accepts`);
}

function checkLabels(labels: unknown, at: FieldPath, problems: Problems): void {
  if (!isRecord(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = qualifiedName(key);
    if (keyProblem) problems.invalidKey([...at, key], `invalid label key "${key}": ${keyProblem}`);
    if (typeof value !== 'string') {
      problems.add([...at, key], `label values must be strings, not ${describeValue(value)}; quote it`);
      continue;
    }
    const valueProblem = labelValue(value);
    if (valueProblem) problems.add([...at, key], `invalid label value "${value}": ${valueProblem}`);
  }
}

/** A LabelSelector: its matchLabels are labels, each matchExpressions key a label key (ValidateLabelSelector). */
function checkLabelSelector(selector: unknown, at: FieldPath, problems: Problems): void {
  if (!isRecord(selector)) return;
  checkLabels(selector.matchLabels, [...at, 'matchLabels'], problems);
  if (!Array.isArray(selector.matchExpressions)) return;
  selector.matchExpressions.forEach((expression, index) => {
    if (!isRecord(expression) || typeof expression.key !== 'string') return;
    const problem = qualifiedName(expression.key);
    if (problem) problems.invalidKey([...at, 'matchExpressions', index, 'key'], `invalid label key "${expression.key}": ${problem}`);
  });
}

// ---- pods, Services, selectors --------------------------------------------------------------

function checkPodTemplate(obj: ManifestObject, problems: Problems): void {
  const paths = podTemplatePaths(obj.kind);
  if (!paths || !isBuiltIn(obj)) return;
  const metadata = valueAt(obj.body, paths.metadata);
  if (isRecord(metadata) && paths.metadata.length > 1) checkLabelsAndAnnotations(metadata, paths.metadata, problems);
  const spec = valueAt(obj.body, paths.spec);
  if (!isRecord(spec)) return;
  // ValidatePodSpec checks nodeSelector as labels (k8s.io/kubernetes pkg/apis/core/validation).
  checkLabels(spec.nodeSelector, [...paths.spec, 'nodeSelector'], problems);
  const names = new Set<string>();
  for (const list of ['initContainers', 'containers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((container, index) => {
      if (!isRecord(container)) return;
      const at = [...paths.spec, list, index];
      if (typeof container.name === 'string') {
        const problem = dns1123Label(container.name);
        if (problem) problems.add([...at, 'name'], problem);
        else if (names.has(container.name)) problems.add([...at, 'name'], `duplicate container name "${container.name}"`);
        names.add(container.name);
      }
      if (container.image === undefined || container.image === null || container.image === '')
        problems.add([...at, 'image'], 'required field is missing', at);
      if (!Array.isArray(container.ports)) return;
      container.ports.forEach((port, portIndex) => {
        if (!isRecord(port)) return;
        const portAt = [...at, 'ports', portIndex];
        if (typeof port.containerPort === 'number' && !isPortNumber(port.containerPort))
          problems.add([...portAt, 'containerPort'], `${port.containerPort} is not a port number (1-65535)`);
        if (typeof port.name === 'string') {
          const problem = portName(port.name);
          if (problem) problems.add([...portAt, 'name'], problem);
        }
      });
    });
  }
}

function checkService(obj: ManifestObject, problems: Problems): void {
  if (obj.kind !== 'Service' || obj.apiVersion !== 'v1') return;
  const spec = obj.body.spec;
  if (!isRecord(spec)) return;
  checkLabels(spec.selector, ['spec', 'selector'], problems);
  const ports = spec.ports;
  if (!Array.isArray(ports)) return;
  const names = new Set<string>();
  ports.forEach((port, index) => {
    if (!isRecord(port)) return;
    const at = ['spec', 'ports', index];
    if (typeof port.port === 'number' && !isPortNumber(port.port))
      problems.add([...at, 'port'], `${port.port} is not a port number (1-65535)`);
    if (typeof port.targetPort === 'number' && !isPortNumber(port.targetPort))
      problems.add([...at, 'targetPort'], `${port.targetPort} is not a port number (1-65535)`);
    if (typeof port.targetPort === 'string') {
      const problem = portName(port.targetPort);
      if (problem) problems.add([...at, 'targetPort'], problem);
    }
    if (typeof port.name === 'string' && port.name !== '') {
      const problem = dns1123Label(port.name);
      if (problem) problems.add([...at, 'name'], problem);
      else if (names.has(port.name)) problems.add([...at, 'name'], `duplicate port name "${port.name}"`);
      names.add(port.name);
    } else if (ports.length > 1) {
      problems.add([...at, 'name'], 'required field is missing: a Service with several ports must name each one', at);
    }
  });
}

/** apps/v1 workloads: the selector must select the pods the template makes. */
function checkWorkloadSelector(obj: ManifestObject, problems: Problems): void {
  if (!isBuiltIn(obj)) return;
  const spec = obj.body.spec;
  if (!isRecord(spec)) return;
  const template = isRecord(spec.template) ? spec.template : undefined;
  const labels = labelsOf(isRecord(template?.metadata) ? template.metadata.labels : undefined);
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(obj.kind))
    checkLabelSelector(spec.selector, ['spec', 'selector'], problems);
  else if (obj.kind === 'ReplicationController') checkLabels(spec.selector, ['spec', 'selector'], problems);
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(obj.kind)) {
    if (spec.selector === undefined || !template) return;
    if (isEmptyLabelSelector(spec.selector))
      problems.add(['spec', 'selector'], 'an empty selector is invalid; select the pod template labels with matchLabels');
    else if (!matchesLabelSelector(spec.selector, labels))
      problems.add(
        ['spec', 'template', 'metadata', 'labels'],
        'the `selector` does not match the template `labels`; give the pod template every label spec.selector.matchLabels names',
      );
  } else if (obj.kind === 'ReplicationController' && isRecord(spec.selector) && template) {
    if (!matchesMap(labelsOf(spec.selector), labels))
      problems.add(
        ['spec', 'template', 'metadata', 'labels'],
        'the `selector` does not match the template `labels`; give the pod template every label spec.selector names',
      );
  }
}

const isPortNumber = (value: number): boolean => Number.isInteger(value) && value >= 1 && value <= 65535;
const isBuiltIn = (obj: ManifestObject): boolean => schemaOf(obj.apiVersion, obj.kind).status === 'served';
