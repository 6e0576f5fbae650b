// Namespaces a part creates: Namespace objects (YAML or `kubectl create namespace`), Helm's
// --create-namespace, a HelmChart's createNamespace, an Application's CreateNamespace=true.
import type { Location } from '../target/location.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { ScriptFacts } from '../shell/model.ts';
import { parseTool } from './argv.ts';
import { syncOptions, type ArgoApplication } from './applications.ts';
import type { HelmRelease } from './helm.ts';

export interface NamespaceCreation {
  how: string;
  location: Location;
}

export function createdNamespaces(
  scripts: readonly ScriptFacts[],
  objects: readonly ManifestObject[],
  releases: readonly HelmRelease[],
  apps: readonly ArgoApplication[],
): Map<string, NamespaceCreation[]> {
  const created = new Map<string, NamespaceCreation[]>();
  const add = (name: string | undefined, how: string, location: Location): void => {
    if (!name) return;
    created.set(name, [...(created.get(name) ?? []), { how, location }]);
  };
  for (const object of objects)
    if (object.kind === 'Namespace' && object.apiVersion === 'v1')
      add(object.name, object.origin === 'script' ? 'kubectl create namespace' : 'a Namespace object', object.location);
  for (const script of scripts) {
    for (const command of script.commands) {
      const args = parseTool(command, 'kubectl');
      const [verb, kind, name] = args?.positionals.map((word) => word.value) ?? [];
      if (verb === 'create' && (kind === 'namespace' || kind === 'ns')) add(name, 'kubectl create namespace', command.location);
    }
  }
  for (const release of releases)
    if (release.createNamespace && release.namespace)
      add(release.namespace.value, release.via === 'helm' ? 'helm --create-namespace' : 'HelmChart createNamespace', release.location);
  for (const app of apps) {
    if (app.destination.namespace && syncOptions(app).some((option) => option.replace(/\s/g, '') === 'CreateNamespace=true'))
      add(app.destination.namespace.value, `CreateNamespace=true on the Application ${app.name ?? ''}`.trimEnd(), app.syncPolicyLocation);
  }
  return created;
}
