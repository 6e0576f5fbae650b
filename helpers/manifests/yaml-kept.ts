// Large YAML files read before, kept between runs (helpers/target/kept-facts.ts). Reading a committed copy
// of Argo CD's install manifest (1.2 MB) with positions takes the `yaml` library ~0.55 s, before V8 has
// optimised it; students commit such copies. What is kept is what the grader reads of a file: its errors and,
// per document, its data (a structured clone: NaN, Infinity, binary, sets survive), its line, and a tree of the
// lines and scalar styles a path can reach, walked as yaml-files.ts walks the document's nodes. A file whose
// documents use aliases or merge keys is not kept: a path through them resolves through other nodes.
import { createRequire } from 'node:module';
import { deserialize, serialize } from 'node:v8';
import { type Document, isMap, isScalar, isSeq, type Node, type ParsedNode, visit } from 'yaml';
import { KeptFacts } from '../target/kept-facts.ts';
import type { FieldPath } from './field-path.ts';
import type { YamlDocument, YamlError, YamlFile } from './yaml-files.ts';

/** Smaller files are read faster than a kept copy would be found. */
export const KEEP_MIN_CHARS = 64 * 1024;
/** Changes whenever what the grader makes of a YAML text changes (yaml-files.ts's options, this format). */
const READING = 'yaml-files/1';
const YAML_VERSION: string = createRequire(import.meta.url)('yaml/package.json').version;

/** What a path reaches in a document: a mapping's keys or a sequence's items, each with its line. */
interface Positions {
  /** A mapping: its string keys in order, each with the line of the key (or of the value), and the value. */
  keys?: Array<[key: string, line: number | undefined, value: Positions | undefined]>;
  /** A sequence: its items, each with its line; null for an item that is missing. */
  items?: Array<[line: number | undefined, item: Positions | undefined] | null>;
  /** A scalar written plain (not quoted, not a block). */
  plain?: true;
}

interface KeptDocument {
  index: number;
  line: number;
  data: unknown;
  /** The line where the content starts (undefined for an empty document) and what paths reach. */
  root: [line: number | undefined, positions: Positions | undefined];
}

interface KeptFile {
  errors: YamlError[];
  documents: KeptDocument[];
}

const key = (text: string): string[] => [READING, YAML_VERSION, process.version, text];

/** The file as read by an earlier run, if it was kept. */
export function keptYamlFile(path: string, text: string, root?: string): YamlFile | undefined {
  const entry = KeptFacts.open('yaml', root)?.read(key(text));
  if (!entry) return undefined;
  let kept: KeptFile;
  try {
    kept = deserialize(entry) as KeptFile;
    if (!Array.isArray(kept.errors) || !Array.isArray(kept.documents)) return undefined;
  } catch {
    return undefined;
  }
  return { path, errors: kept.errors, documents: kept.documents.map((doc) => documentFrom(path, doc)) };
}

/**
 * Keeps a file just read (its documents as parsed, in order, with `lineAt` for their offsets); a file
 * with aliases or merge keys, or that cannot be kept (data that cannot be cloned, nesting deeper than the
 * stack), is not kept. Never throws: keeping is only a chance for the next run.
 */
export function keepYamlFile(
  text: string,
  file: YamlFile,
  parsed: ReadonlyArray<Document.Parsed>,
  lineAt: (offset: number) => number,
  root?: string,
): void {
  let entry: Buffer;
  try {
    if (parsed.some(resolvesThroughOtherNodes)) return;
    const documents = file.documents.map(
      (doc): KeptDocument => ({ index: doc.index, line: doc.line, data: doc.data, root: rootOf(parsed[doc.index]!, lineAt) }),
    );
    entry = serialize({ errors: file.errors, documents } satisfies KeptFile);
  } catch {
    return;
  }
  KeptFacts.open('yaml', root)?.write(key(text), entry);
}

function resolvesThroughOtherNodes(doc: Document.Parsed): boolean {
  let found = false;
  visit(doc, {
    Alias: () => {
      found = true;
      return visit.BREAK;
    },
    Pair: (_, pair) => {
      if (isScalar(pair.key) && (pair.key.value === '<<' || pair.key.source === '<<')) {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function rootOf(doc: Document.Parsed, lineAt: (offset: number) => number): KeptDocument['root'] {
  const contents = doc.contents ?? undefined;
  return [startLine(contents, lineAt), contents ? positionsOf(contents, lineAt) : undefined];
}

function startLine(node: ParsedNode | null | undefined, lineAt: (offset: number) => number): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lineAt(start);
}

function positionsOf(node: Node, lineAt: (offset: number) => number): Positions {
  if (isMap(node)) {
    const keys: NonNullable<Positions['keys']> = [];
    for (const pair of node.items) {
      if (!isScalar(pair.key) || typeof pair.key.value === 'symbol') continue;
      const value = pair.value as Node | null;
      keys.push([
        String(pair.key.value),
        startLine(pair.key as ParsedNode, lineAt) ?? startLine(value as ParsedNode | null, lineAt),
        value ? positionsOf(value, lineAt) : undefined,
      ]);
    }
    return { keys };
  }
  if (isSeq(node)) {
    return {
      items: node.items.map((item) => (item ? [startLine(item as ParsedNode, lineAt), positionsOf(item as Node, lineAt)] : null)),
    };
  }
  return isScalar(node) && node.type === 'PLAIN' ? { plain: true } : {};
}

function documentFrom(file: string, kept: KeptDocument): YamlDocument {
  const [rootLine, root] = kept.root;
  /** As yaml-files.ts's locate: the line of the deepest step found, and what the whole path reaches. */
  const walk = (path: FieldPath): { line: number | undefined; reached?: Positions } => {
    let node = root;
    let line = rootLine;
    for (const step of path) {
      if (node?.keys) {
        const entry = node.keys.find(([name]) => name === String(step));
        if (!entry) return { line };
        line = entry[1] ?? line;
        node = entry[2];
      } else if (node?.items && typeof step === 'number') {
        const item = node.items[step];
        if (!item) return { line };
        line = item[0] ?? line;
        node = item[1];
      } else {
        return { line };
      }
    }
    return { line, reached: node };
  };
  return {
    file,
    index: kept.index,
    line: kept.line,
    data: kept.data,
    lineOf: (path) => walk(path).line ?? kept.line,
    isPlainScalar: (path) => walk(path).reached?.plain === true,
  };
}
