// From a parsed YAML document to the Kubernetes objects it holds (one, or the items of a List),
// with placeholders resolved and every field's line kept.
import type { FieldPath } from './field-path.ts';
import { classifyDocument, isRecord } from './kinds.ts';
import type { ManifestObject } from './model.ts';
import { resolvePlaceholders } from './placeholders.ts';
import type { YamlDocument } from './yaml-files.ts';

export interface ObjectSource {
  origin: ManifestObject['origin'];
  /** The file the objects are reported at (the kustomization for built objects). */
  file?: string;
}

/** The objects of one document; configuration documents (kubeconfig, k3d config, Helm values…) hold none. */
export function objectsOfDocument(
  doc: YamlDocument,
  values: Record<string, string>,
  source: ObjectSource = { origin: 'yaml' },
): ManifestObject[] {
  const data = doc.data;
  if (!isRecord(data)) return [];
  if (isList(data)) {
    return (data.items as unknown[]).flatMap((item, index) =>
      classifyDocument(item).object ? [makeObject(doc, ['items', index], item as Record<string, unknown>, values, source)] : [],
    );
  }
  return classifyDocument(data).object ? [makeObject(doc, [], data, values, source)] : [];
}

// kubectl applies the items of `kind: List` (and of any *List) one by one.
function isList(data: Record<string, unknown>): boolean {
  return typeof data.kind === 'string' && data.kind.endsWith('List') && Array.isArray(data.items) && typeof data.apiVersion === 'string';
}

function makeObject(
  doc: YamlDocument,
  base: FieldPath,
  raw: Record<string, unknown>,
  values: Record<string, string>,
  source: ObjectSource,
): ManifestObject {
  const isPlain = (path: FieldPath): boolean => doc.isPlainScalar([...base, ...path]);
  const { data, unresolved } = resolvePlaceholders(raw, values, isPlain);
  const body = data as Record<string, unknown>;
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const lineOf = (path: ReadonlyArray<string | number>): number => doc.lineOf([...base, ...path]);
  return {
    apiVersion: String(body.apiVersion),
    kind: String(body.kind),
    ...(typeof metadata.name === 'string' ? { name: metadata.name } : {}),
    ...(typeof metadata.namespace === 'string' && metadata.namespace ? { namespace: metadata.namespace } : {}),
    body,
    origin: source.origin,
    location: { file: source.file ?? doc.file, line: lineOf([]) },
    lineOf,
    unresolved,
  };
}
