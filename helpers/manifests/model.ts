// A Kubernetes object found in a part: from a YAML document, a kustomization, or a script's
// imperative `kubectl create …` / `kubectl expose`.
import type { Location } from '../target/location.ts';

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  /** The whole object as plain data, placeholders resolved where they could be. */
  body: Record<string, unknown>;
  origin: 'yaml' | 'kustomize' | 'script';
  /** The document's (or the command's) place. */
  location: Location;
  /** The line of a field inside the document, e.g. ['spec', 'replicas']; falls back to location.line. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
  /**
   * Placeholders (`${VAR}`) still unresolved, by field path ("spec.source.repoURL" → ["${REPO_URL}"]);
   * list items are written [i], as in "spec.template.spec.containers[0].image" (manifests/field-path.ts).
   */
  unresolved: Record<string, string[]>;
}
