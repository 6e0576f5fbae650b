// Objects a script creates imperatively, shaped as kubectl would create them:
// `kubectl create deployment|namespace|ns` and `kubectl expose`.
import { formatPath } from '../manifests/field-path.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { Location } from '../target/location.ts';
import { effective } from './invocation.ts';
import type { ScriptFacts, ShellCommand, Word } from './model.ts';

const VALUED = new Set([
  '-n',
  '--namespace',
  '--image',
  '--replicas',
  '--port',
  '--target-port',
  '--name',
  '--type',
  '--protocol',
  '-o',
  '--output',
  '--context',
  '--kubeconfig',
  '--cluster',
  '--user',
  '-s',
  '--server',
  '--selector',
  '-l',
  '--labels',
  '--external-ip',
  '--load-balancer-ip',
  '--session-affinity',
  '--cluster-ip',
  '--field-manager',
  '--dry-run',
  '--save-config',
  '--template',
  '-f',
  '--filename',
  '--overrides',
  '--generator',
  '--as',
  '--request-timeout',
  '--token',
]);

export interface KubectlArgs {
  positionals: Word[];
  flags: Map<string, Word[]>;
}

/** A kubectl command's positionals (the verb first) and flags; undefined for any other command. */
export function kubectlArgs(command: ShellCommand): KubectlArgs | undefined {
  let { argv } = effective(command);
  if ((argv[0]?.value.endsWith('k3s') || argv[0]?.value.endsWith('microk8s')) && argv[1]?.value === 'kubectl') argv = argv.slice(1);
  if (!argv[0] || !/(^|\/)kubectl$/.test(argv[0].value)) return undefined;
  const parsed: KubectlArgs = { positionals: [], flags: new Map() };
  const add = (name: string, value: Word): void => {
    const long = name === '-n' ? '--namespace' : name === '-o' ? '--output' : name === '-l' ? '--labels' : name;
    parsed.flags.set(long, [...(parsed.flags.get(long) ?? []), value]);
  };
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    const text = word.value;
    if (text === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!text.startsWith('-') || text === '-') {
      parsed.positionals.push(word);
      continue;
    }
    const eq = text.indexOf('=');
    if (eq > 0)
      add(text.slice(0, eq), {
        value: text.slice(eq + 1),
        raw: word.raw,
        unresolved: word.unresolved.filter((name) => text.slice(eq + 1).includes(name)),
      });
    else if (VALUED.has(text) && argv[i + 1]) add(text, argv[++i]!);
    else if (/^-n./.test(text)) add('-n', { value: text.slice(2), raw: word.raw, unresolved: word.unresolved });
    else add(text, { value: 'true', raw: text, unresolved: [] });
  }
  return parsed;
}

const last = (args: KubectlArgs, flag: string): Word | undefined => args.flags.get(flag)?.at(-1);

/** `kubectl create … --dry-run -o yaml` only creates when piped to `kubectl apply|create -f -`. */
function dryRunOnly(args: KubectlArgs, command: ShellCommand, commands: readonly ShellCommand[]): boolean {
  const dryRun = last(args, '--dry-run');
  if (!dryRun || dryRun.value === 'none') return false;
  return !commands.some((other) => {
    if (other.pipedFrom !== command) return false;
    const next = kubectlArgs(other);
    return next !== undefined && ['apply', 'create', 'replace'].includes(next.positionals[0]?.value ?? '');
  });
}

/**
 * `known`: the objects the part declares in YAML, which a `kubectl expose` of a workload applied
 * from a file reads its selector (and, without --port, its port) from.
 */
export function kubectlObjects(scripts: readonly ScriptFacts[], known: readonly ManifestObject[] = []): ManifestObject[] {
  const objects: ManifestObject[] = [];
  const deployments = new Map<string, Record<string, string>>();
  for (const script of scripts) {
    for (const command of script.commands) {
      const args = kubectlArgs(command);
      if (!args) continue;
      const [verb, kind, name] = args.positionals;
      if (!verb || !kind || dryRunOnly(args, command, script.commands)) continue;
      const namespace = last(args, '--namespace');
      if (verb.value === 'create' && (kind.value === 'namespace' || kind.value === 'ns') && name) {
        objects.push(object('v1', 'Namespace', { metadata: { name: name.value } }, command.location, { 'metadata.name': name.unresolved }));
      } else if (verb.value === 'create' && (kind.value === 'deployment' || kind.value === 'deploy') && name) {
        const images = args.flags.get('--image') ?? [];
        const replicas = last(args, '--replicas');
        const port = last(args, '--port');
        const labels = { app: name.value };
        deployments.set(`${namespace?.value ?? ''}/${name.value}`, labels);
        const containers = images.map((image) => ({
          name: containerName(image.value),
          image: image.value,
          ...(port ? { ports: [{ containerPort: numeric(port.value) }] } : {}),
        }));
        const unresolved: Record<string, string[]> = { 'metadata.name': name.unresolved };
        images.forEach(
          (image, index) => (unresolved[formatPath(['spec', 'template', 'spec', 'containers', index, 'image'])] = image.unresolved),
        );
        objects.push(
          object(
            'apps/v1',
            'Deployment',
            {
              metadata: { name: name.value, labels, ...(namespace ? { namespace: namespace.value } : {}) },
              spec: {
                replicas: replicas ? numeric(replicas.value) : 1,
                selector: { matchLabels: labels },
                template: { metadata: { labels }, spec: { containers } },
              },
            },
            command.location,
            unresolved,
          ),
        );
      } else if (verb.value === 'expose') {
        let resource = kind.value;
        let target = name?.value;
        if (resource.includes('/')) [resource, target] = resource.split('/', 2) as [string, string];
        if (!target) continue;
        const exposed = exposedObject(known, resource, target, namespace?.value);
        const port = last(args, '--port') ?? (exposed && firstPort(exposed));
        if (!port) continue;
        const serviceName = last(args, '--name')?.value ?? target;
        const selectorOf =
          (/^deploy/.test(resource) ? deployments.get(`${namespace?.value ?? ''}/${target}`) : undefined) ??
          (exposed && selectorOfExposed(exposed));
        const type = last(args, '--type');
        const targetPort = last(args, '--target-port');
        const unresolved: Record<string, string[]> = {
          'metadata.name': name?.unresolved ?? kind.unresolved,
          [formatPath(['spec', 'ports', 0, 'port'])]: port.unresolved,
        };
        if (!selectorOf) unresolved['spec.selector'] = [`the selector of ${resource}/${target}`];
        objects.push(
          object(
            'v1',
            'Service',
            {
              metadata: { name: serviceName, ...(namespace ? { namespace: namespace.value } : {}) },
              spec: {
                ...(selectorOf ? { selector: selectorOf } : {}),
                ports: [
                  {
                    port: numeric(port.value),
                    targetPort: numeric(targetPort?.value ?? port.value),
                    protocol: last(args, '--protocol')?.value ?? 'TCP',
                  },
                ],
                ...(type ? { type: type.value } : {}),
              },
            },
            command.location,
            unresolved,
          ),
        );
      }
    }
  }
  return objects;
}

/** The kinds `kubectl expose` accepts, by the names it accepts for them. */
const EXPOSABLE: Record<string, string> = {
  pod: 'Pod',
  pods: 'Pod',
  po: 'Pod',
  service: 'Service',
  services: 'Service',
  svc: 'Service',
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  rs: 'ReplicaSet',
  replicationcontroller: 'ReplicationController',
  replicationcontrollers: 'ReplicationController',
  rc: 'ReplicationController',
};

/** The declared object `kubectl expose RESOURCE NAME` reads, in the namespace it names (or an unnamespaced one). */
function exposedObject(
  known: readonly ManifestObject[],
  resource: string,
  name: string,
  namespace: string | undefined,
): ManifestObject | undefined {
  const kind = EXPOSABLE[resource.toLowerCase().replace(/\..*$/, '')];
  const sameNamespace = (object: ManifestObject): boolean =>
    (object.namespace ?? 'default') === (namespace ?? 'default') || object.namespace === undefined || namespace === undefined;
  return kind ? known.find((object) => object.kind === kind && object.name === name && sameNamespace(object)) : undefined;
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const stringMap = (value: unknown): Record<string, string> | undefined => {
  const entries = Object.entries(record(value)).filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, String(v)])) : undefined;
};

/** The selector kubectl expose copies: a Pod's labels, a Service's or RC's selector, a workload's matchLabels. */
function selectorOfExposed(object: ManifestObject): Record<string, string> | undefined {
  const body = record(object.body);
  const spec = record(body.spec);
  if (object.kind === 'Pod') return stringMap(record(body.metadata).labels);
  if (object.kind === 'Service' || object.kind === 'ReplicationController') return stringMap(spec.selector);
  const selector = record(spec.selector);
  return selector.matchExpressions ? undefined : stringMap(selector.matchLabels);
}

/** Without --port, kubectl expose takes the first port the exposed object declares. */
function firstPort(object: ManifestObject): Word | undefined {
  const body = record(object.body);
  const spec = record(body.spec);
  const podSpec = object.kind === 'Pod' ? spec : record(record(spec.template).spec);
  const ports =
    object.kind === 'Service'
      ? (Array.isArray(spec.ports) ? spec.ports : []).map((port) => record(port).port)
      : (Array.isArray(podSpec.containers) ? podSpec.containers : []).flatMap((container) =>
          (Array.isArray(record(container).ports) ? (record(container).ports as unknown[]) : []).map((port) => record(port).containerPort),
        );
  const port = ports.find((value) => typeof value === 'number');
  return port === undefined ? undefined : { value: String(port), raw: String(port), unresolved: [] };
}

function object(
  apiVersion: string,
  kind: string,
  fields: Record<string, unknown>,
  location: Location,
  unresolved: Record<string, string[]>,
): ManifestObject {
  const metadata = fields.metadata as { name?: string; namespace?: string };
  const kept = Object.fromEntries(Object.entries(unresolved).filter(([, names]) => names.length));
  return {
    apiVersion,
    kind,
    name: metadata.name,
    namespace: metadata.namespace,
    body: { apiVersion, kind, ...fields },
    origin: 'script',
    location,
    lineOf: () => location.line,
    unresolved: kept,
  };
}

/** kubectl names the container after the image: its last path segment without tag or digest. */
const containerName = (image: string): string =>
  image
    .split('/')
    .pop()!
    .replace(/[@:].*$/, '') || image;

const numeric = (value: string): number | string => (/^\d+$/.test(value) ? Number(value) : value);
