// Helm releases a part installs: `helm install|upgrade [--install]` in its scripts, and K3s
// HelmChart objects (helm.cattle.io/v1) among its manifests.
import { parse } from 'yaml';
import type { Location } from '../target/location.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { ScriptFacts } from '../shell/model.ts';
import { flag, parseTool, switchOn } from './argv.ts';
import { dig, fieldOf, fieldOfWord, isRecord, type Field } from './field.ts';
import { pulledChart, type HelmPull } from './helm-pull.ts';

export interface HelmRelease {
  /** `helm install|upgrade`, a K3s HelmChart object, Terraform's helm_release, an Argo CD Application of a chart. */
  via: 'helm' | 'HelmChart' | 'terraform' | 'Application';
  /** The release (or HelmChart object) name. */
  name?: string;
  /** As given: 'argo/argo-cd', 'oci://…/argo-cd', 'argo-cd' with a repo, an archive path. */
  chart: Field;
  repo?: string;
  /** Where the release lands; undefined when nothing sets it (the default namespace). */
  namespace?: Field;
  version?: Field;
  createNamespace: boolean;
  /** `--set key=value` values (and a HelmChart's spec.set), by key. */
  sets: Map<string, Field>;
  /** Values files given with -f/--values, as written. */
  valuesFiles: string[];
  /** Values given inline, as plain data: a HelmChart's spec.valuesContent, helm_release values, an Application's helm values. */
  values?: unknown;
  /** For a local chart folder that a `helm pull --untar` of the part wrote: that pull (the chart it came from). */
  pulledFrom?: HelmPull;
  location: Location;
}

const SET_FLAGS = ['--set', '--set-string'];

export function helmReleases(scripts: readonly ScriptFacts[], objects: readonly ManifestObject[]): HelmRelease[] {
  const releases: HelmRelease[] = [];
  for (const script of scripts) {
    for (const [index, command] of script.commands.entries()) {
      const args = parseTool(command, 'helm');
      if (!args) continue;
      const [verb, ...rest] = args.positionals;
      if (verb?.value !== 'install' && verb?.value !== 'upgrade') continue;
      const generated = switchOn(args, '--generate-name');
      const name = generated ? undefined : rest[0];
      const chart = generated ? rest[0] : rest[1];
      if (!chart) continue;
      const location = command.location;
      const sets = new Map<string, Field>();
      for (const setFlag of SET_FLAGS) {
        for (const word of args.flags.get(setFlag) ?? []) {
          // --set a=1,b=2: Helm splits on commas not escaped.
          for (const pair of word.value.split(/(?<!\\),/)) {
            const eq = pair.indexOf('=');
            if (eq > 0) sets.set(pair.slice(0, eq), { ...fieldOfWord(word, location), value: pair.slice(eq + 1) });
          }
        }
      }
      const namespace = flag(args, '--namespace');
      const version = flag(args, '--version');
      const pulledFrom = flag(args, '--repo') ? undefined : pulledChart(chart.value, script, index, scripts);
      releases.push({
        via: 'helm',
        name: name?.value,
        chart: fieldOfWord(chart, location),
        repo: flag(args, '--repo')?.value,
        namespace: namespace ? fieldOfWord(namespace, location) : undefined,
        version: version ? fieldOfWord(version, location) : undefined,
        createNamespace: switchOn(args, '--create-namespace'),
        sets,
        valuesFiles: (args.flags.get('--values') ?? []).map((word) => word.value),
        ...(pulledFrom ? { pulledFrom } : {}),
        location,
      });
    }
  }
  for (const object of objects) {
    if (object.kind !== 'HelmChart' || !object.apiVersion.startsWith('helm.cattle.io/')) continue;
    const chart = fieldOf(object, ['spec', 'chart']);
    if (!chart) continue;
    const sets = new Map<string, Field>();
    const set = dig(object.body, 'spec', 'set');
    if (isRecord(set))
      for (const key of Object.keys(set)) {
        const value = fieldOf(object, ['spec', 'set', key]);
        if (value) sets.set(key, value);
      }
    releases.push({
      via: 'HelmChart',
      name: object.name,
      chart,
      repo: fieldOf(object, ['spec', 'repo'])?.value,
      namespace: fieldOf(object, ['spec', 'targetNamespace']) ?? fieldOf(object, ['metadata', 'namespace']),
      version: fieldOf(object, ['spec', 'version']),
      createNamespace: dig(object.body, 'spec', 'createNamespace') === true,
      sets,
      valuesFiles: [],
      values: valuesContentOf(object),
      location: object.location,
    });
  }
  return releases;
}

function valuesContentOf(object: ManifestObject): unknown {
  const text = dig(object.body, 'spec', 'valuesContent');
  return typeof text === 'string' ? valuesOfText(text) : undefined;
}

/** Helm values written as YAML text (valuesContent, an Application's helm.values, a helm_release's values); undefined when they do not parse. */
export function valuesOfText(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}
