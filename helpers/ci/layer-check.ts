// Checks that helpers/ and suites/ import one way, along the layers of layers.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { importsOf } from './imports.ts';
import { folderOf, LAYERS, layerOf } from './layers.ts';

interface Edge {
  file: string;
  line: number;
  specifier: string;
  from: string;
  to: string;
}

/** The .ts and .mjs files under root's helpers/ and suites/, relative to root with `/`; graded repositories (suites/fixtures) excluded. */
function sourceFiles(root: string): string[] {
  return ['helpers', 'suites']
    .filter((top) => existsSync(join(root, top)))
    .flatMap((top) => readdirSync(join(root, top), { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && /\.(ts|mjs)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((file) => !file.startsWith('suites/fixtures/') && !file.split('/').includes('node_modules'))
    .sort();
}

const describeLayer = (folder: string, layers: readonly (readonly string[])[]) => `${folder} (layer ${layerOf(folder, layers)})`;
const describeEdge = (edge: Edge) => `${edge.file}:${edge.line} imports '${edge.specifier}'`;

/** One cycle through the folders of a strongly connected set, as the edges that close it. */
function cycleThrough(folders: string[], edges: Map<string, Map<string, Edge>>): Edge[] {
  const members = new Set(folders);
  const start = [...folders].sort()[0];
  const path: Edge[] = [];
  const visited = new Set<string>();
  const walk = (folder: string): boolean => {
    visited.add(folder);
    for (const [to, edge] of [...(edges.get(folder) ?? [])].sort(([a], [b]) => a.localeCompare(b))) {
      if (!members.has(to)) continue;
      path.push(edge);
      if (to === start || (!visited.has(to) && walk(to))) return true;
      path.pop();
    }
    return false;
  };
  walk(start);
  return path;
}

/** Folders of one layer that import each other, directly or round a cycle (Tarjan's strongly connected components). */
function cyclicGroups(edges: Map<string, Map<string, Edge>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const connect = (folder: string) => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder) as number);
    stack.push(folder);
    for (const to of edges.get(folder)?.keys() ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(folder, Math.min(low.get(folder) as number, low.get(to) as number));
      } else if (stack.includes(to)) low.set(folder, Math.min(low.get(folder) as number, index.get(to) as number));
    }
    if (low.get(folder) === index.get(folder)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        group.push(member);
      } while (member !== folder);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const folder of [...edges.keys()].sort()) if (!index.has(folder)) connect(folder);
  return groups;
}

/** Every import against the layers, as one line each naming the file, line, imported path and layers. */
export function layerViolations(root: string, layers: readonly (readonly string[])[] = LAYERS): string[] {
  const violations: string[] = [];
  const sameLayerEdges = new Map<string, Map<string, Edge>>();
  for (const file of sourceFiles(root)) {
    const from = folderOf(file);
    if (from === undefined || layerOf(from, layers) === undefined) {
      violations.push(`${file}: its folder ${from ?? dirname(file)} has no layer in helpers/ci/layers.ts: add it to LAYERS`);
      continue;
    }
    const fromLayer = layerOf(from, layers) as number;
    for (const { specifier, line } of importsOf(readFileSync(join(root, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const to = folderOf(posix.normalize(posix.join(posix.dirname(file), specifier)));
      if (to === undefined || to === from) continue;
      const toLayer = layerOf(to, layers);
      const edge = { file, line, specifier, from, to };
      if (toLayer === undefined || toLayer > fromLayer) {
        violations.push(
          `${describeEdge(edge)}: ${describeLayer(from, layers)} may not import ${toLayer === undefined ? `${to} (no layer)` : `${describeLayer(to, layers)}, a higher layer`}`,
        );
      } else if (toLayer === fromLayer) {
        const out = sameLayerEdges.get(from) ?? new Map<string, Edge>();
        if (!out.has(to)) out.set(to, edge);
        sameLayerEdges.set(from, out);
      }
    }
  }
  for (const group of cyclicGroups(sameLayerEdges)) {
    const cycle = cycleThrough(group, sameLayerEdges);
    violations.push(`a cycle within layer ${layerOf(group[0], layers)} between ${group.join(', ')}: ${cycle.map(describeEdge).join('; ')}`);
  }
  return violations;
}
