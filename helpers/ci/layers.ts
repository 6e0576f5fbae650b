// The layers of helpers/ and suites/, lowest first. A module may import from its own folder, from a lower
// layer, or from another folder of its own layer as long as no two folders of a layer import each other
// (directly or round a cycle). Test files belong to their folder's layer. A new folder gets a row here.
export const LAYERS: readonly (readonly string[])[] = [
  ['helpers/config'],
  ['helpers/catalog'],
  // The target repository: its files, places in it (Location) and the per-grading fact cache.
  ['helpers/target'],
  // Facts about the target, one reader each; the shell reader follows scripts into Vagrantfiles and
  // manifests, so it sits above both.
  ['helpers/vagrantfile'],
  ['helpers/manifests'],
  ['helpers/shell'],
  ['helpers/gitops'],
  // Static checks: judge the facts, build CheckResults.
  ['helpers/checks'],
  ['helpers/report', 'helpers/sheet', 'helpers/cluster', 'suites'],
  // Tooling around the suite: may import anything.
  ['helpers/bench', 'helpers/ci', 'helpers/corpus', 'helpers/reference'],
];

/** The folder that places a file in a layer: `helpers/<name>` or `suites`; undefined outside both. */
export function folderOf(path: string): string | undefined {
  const [top, name, ...rest] = path.split('/');
  if (top === 'suites') return 'suites';
  if (top === 'helpers' && rest.length > 0) return `helpers/${name}`;
  return undefined;
}

/** Index of the folder's layer in LAYERS (0 is the lowest); undefined for a folder not in the table. */
export function layerOf(folder: string, layers: readonly (readonly string[])[] = LAYERS): number | undefined {
  const index = layers.findIndex((layer) => layer.includes(folder));
  return index === -1 ? undefined : index;
}
