// Objects that run pods, and where their pod template lives.
import type { FieldPath } from './field-path.ts';
import { isRecord } from './kinds.ts';
import type { ManifestObject } from './model.ts';
import { labelsOf, type Labels } from './selectors.ts';

/** The kinds a Service can route to (P2's graph), by where their pods' metadata and spec are. */
const WORKLOAD_TEMPLATES: Record<string, { metadata: FieldPath; spec: FieldPath }> = {
  Deployment: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  StatefulSet: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  DaemonSet: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  ReplicaSet: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  ReplicationController: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  Pod: { metadata: ['metadata'], spec: ['spec'] },
};

/** Every kind with a pod spec inside, for validation of containers and template labels. */
const POD_TEMPLATES: Record<string, { metadata: FieldPath; spec: FieldPath }> = {
  ...WORKLOAD_TEMPLATES,
  Job: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  CronJob: { metadata: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'], spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
  PodTemplate: { metadata: ['template', 'metadata'], spec: ['template', 'spec'] },
};

export const isWorkload = (obj: ManifestObject): boolean =>
  Object.hasOwn(WORKLOAD_TEMPLATES, obj.kind) && obj.apiVersion !== '' && isRecord(obj.body);

export function podTemplatePaths(kind: string): { metadata: FieldPath; spec: FieldPath } | undefined {
  return Object.hasOwn(POD_TEMPLATES, kind) ? POD_TEMPLATES[kind] : undefined;
}

export function valueAt(data: unknown, path: FieldPath): unknown {
  let value = data;
  for (const step of path) {
    if (Array.isArray(value) && typeof step === 'number') value = value[step];
    else if (isRecord(value) && typeof step === 'string') value = value[step];
    else return undefined;
  }
  return value;
}

/** The labels a workload's pods carry. */
export function podLabelsOf(obj: ManifestObject): Labels {
  const paths = podTemplatePaths(obj.kind);
  return paths ? labelsOf(valueAt(obj.body, [...paths.metadata, 'labels'])) : {};
}

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  /** Where the port is written. */
  path: FieldPath;
}

export interface Container {
  name?: string;
  ports: ContainerPort[];
  path: FieldPath;
}

/** The containers (init containers excluded) of a workload's pods. */
export function containersOf(obj: ManifestObject): Container[] {
  const paths = podTemplatePaths(obj.kind);
  if (!paths) return [];
  const list = valueAt(obj.body, [...paths.spec, 'containers']);
  if (!Array.isArray(list)) return [];
  return list.map((container, index) => {
    const path = [...paths.spec, 'containers', index];
    const ports = isRecord(container) && Array.isArray(container.ports) ? container.ports : [];
    return {
      name: isRecord(container) && typeof container.name === 'string' ? container.name : undefined,
      path,
      ports: ports.flatMap((port, portIndex) =>
        isRecord(port)
          ? [
              {
                name: typeof port.name === 'string' ? port.name : undefined,
                containerPort: typeof port.containerPort === 'number' ? port.containerPort : undefined,
                path: [...path, 'ports', portIndex],
              },
            ]
          : [],
      ),
    };
  });
}

export const describeObject = (obj: ManifestObject): string => `${obj.kind} ${obj.name ?? '(unnamed)'}`;
