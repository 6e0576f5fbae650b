// Every YAML file of a part, parsed once with positions: the raw material of G-YAML and of the
// part's Kubernetes objects. Parsing follows what kubectl does (YAML 1.1 scalars: `yes` is a
// boolean, `0777` is octal), refuses duplicate keys, and stops alias bombs early.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
  type Pair,
  type ParsedNode,
  type Tags,
  type YAMLMap,
} from 'yaml';
import type { GradingContext } from '../target/grading-context.ts';
import type { SubjectPart } from '../target/layout.ts';
import type { FieldPath } from './field-path.ts';
import { describeProblem, type Target, type TargetFile } from '../target/repository.ts';
import { KEEP_MIN_CHARS, keepYamlFile, keptYamlFile } from './yaml-kept.ts';

/** Aliases one document may expand; a handful is plenty for a real manifest. */
export const MAX_ALIAS_COUNT = 50;
const MAX_ERRORS_PER_DOCUMENT = 10;

// Go's ParseFloat, which go-yaml v2 uses, wants a digit in the mantissa: `.`, `-.` and `.e5` stay
// strings for kubectl (`path: .` in an Application is the repository root, not NaN).
const GO_FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/;
const GO_FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/;

// kubectl reads manifests with go-yaml v2 (YAML 1.1) but keeps dates and 1:20 as strings.
const GO_YAML_LIKE_TAGS = (tags: Tags): Tags =>
  tags
    .filter((tag) => {
      const name = typeof tag === 'string' ? tag : tag.tag;
      const format = typeof tag === 'string' ? undefined : (tag as { format?: string }).format;
      return !name.endsWith(':timestamp') && format !== 'TIME';
    })
    .map((tag) => {
      if (typeof tag === 'string' || !tag.tag.endsWith(':float') || !tag.test || /nan/i.test(tag.test.source)) return tag;
      return { ...tag, test: (tag as { format?: string }).format === 'EXP' ? GO_FLOAT_EXP : GO_FLOAT };
    });

/** How manifests are read: YAML 1.1 like kubectl, duplicate keys refused. */
export const YAML_OPTIONS = { version: '1.1', customTags: GO_YAML_LIKE_TAGS, uniqueKeys: true, prettyErrors: false } as const;

export interface YamlError {
  message: string;
  line?: number;
  /** The parser's code (DUPLICATE_KEY, BAD_INDENT…), ALIAS_COUNT for an alias bomb, DEPTH for deep nesting. */
  code?: string;
}

export interface YamlDocument {
  file: string;
  /** 0-based position of the document in its file. */
  index: number;
  /** The line the document's content starts on. */
  line: number;
  /** The document as plain data (YAML 1.1 scalars, aliases expanded). */
  data: unknown;
  /** The line of a field (its key for a mapping entry); the deepest existing ancestor's line when absent. */
  lineOf(path: FieldPath): number;
  /** Whether the path reaches a scalar written plain: not quoted, not a block (aliases resolved). */
  isPlainScalar(path: FieldPath): boolean;
}

export interface YamlFile {
  path: string;
  /** Why the file could not be read (binary, too large, symlink out of the repository…). */
  problem?: string;
  /** Parse errors (duplicate keys, bad syntax, alias bombs), each with its line. */
  errors: YamlError[];
  /** The documents that parsed without error. */
  documents: YamlDocument[];
}

export const isYamlPath = (path: string): boolean => /\.ya?ml$/i.test(path);

/** True for a file under a Helm chart's templates/ folder (a chart is a folder holding Chart.yaml). */
export function isHelmTemplate(target: Target, path: string): boolean {
  const segments = path.split('/');
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i] !== 'templates') continue;
    const chart = segments.slice(0, i).join('/');
    const prefix = chart ? `${chart}/` : '';
    if (target.file(`${prefix}Chart.yaml`) || target.file(`${prefix}Chart.yml`)) return true;
  }
  return false;
}

/** The YAML files of a part (Helm templates excluded), parsed once per grading run. */
export function yamlFiles(ctx: GradingContext, part: SubjectPart): Promise<YamlFile[]> {
  return ctx.once(`manifests:yaml-files:${part}`, () =>
    ctx.target
      .filesOf(part)
      .filter((file) => isYamlPath(file.path) && !isHelmTemplate(ctx.target, file.path))
      .map((file) => readYamlFile(file)),
  );
}

/** A file of the target, read from the text, or kept from an earlier run for a large one (yaml-kept.ts). */
export function readYamlFile(file: TargetFile): YamlFile {
  if (file.problem || file.text === undefined) return { path: file.path, problem: describeProblem(file), errors: [], documents: [] };
  if (file.text.length < KEEP_MIN_CHARS) return parseYaml(file.path, file.text);
  const text = file.text;
  return keptYamlFile(file.path, text) ?? parseYaml(file.path, text, (read, parsed, lineAt) => keepYamlFile(text, read, parsed, lineAt));
}

/** What a reader may do with a file just parsed: its documents as the `yaml` library built them, and their lines. */
type AfterParsing = (file: YamlFile, parsed: ReadonlyArray<Document.Parsed>, lineAt: (offset: number) => number) => void;

/** Parses a YAML text into its documents; never throws. */
export function parseYaml(path: string, text: string, afterParsing?: AfterParsing): YamlFile {
  const lineCounter = new LineCounter();
  const result: YamlFile = { path, errors: [], documents: [] };
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter }) as Document.Parsed[];
  } catch (error) {
    result.errors.push({ message: parserCrash(error), code: error instanceof RangeError ? 'DEPTH' : 'UNREADABLE' });
    return result;
  }
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const error of doc.errors.slice(0, MAX_ERRORS_PER_DOCUMENT)) {
        const deep = /call stack/i.test(error.message);
        result.errors.push({
          message: deep ? 'the document is nested too deeply to read' : error.message.split('\n')[0],
          line: lineAt(error.pos[0]),
          code: deep ? 'DEPTH' : error.code,
        });
      }
      return;
    }
    let data: unknown;
    const line = doc.contents ? lineAt(doc.contents.range[0]) : lineAt(doc.range[0]);
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const aliases = error instanceof ReferenceError && /alias/i.test(error.message);
      const message = aliases
        ? `document ${index + 1} expands more than ${MAX_ALIAS_COUNT} aliases (a YAML "alias bomb"); write the values out instead of nesting aliases`
        : error instanceof RangeError
          ? `document ${index + 1} is nested too deeply to read`
          : `document ${index + 1} cannot be read: ${(error as Error).message}`;
      result.errors.push({ message, line, code: aliases ? 'ALIAS_COUNT' : error instanceof RangeError ? 'DEPTH' : 'UNREADABLE' });
      return;
    }
    const isPlainScalar = (path: FieldPath): boolean => {
      const node = locate(doc, path).node;
      return isScalar(node) && node.type === 'PLAIN';
    };
    const lineOf = (path: FieldPath): number => {
      const offset = locate(doc, path).offset;
      return offset === undefined ? line : lineAt(offset);
    };
    result.documents.push({ file: path, index, line, data, lineOf, isPlainScalar });
  });
  afterParsing?.(result, docs, lineAt);
  return result;
}

function parserCrash(error: unknown): string {
  if (error instanceof RangeError) return 'the file is nested too deeply to read';
  return `the file cannot be parsed: ${(error as Error).message.split('\n')[0]}`;
}

/** Walks a path through a document's nodes; offset is where the deepest step found starts. */
function locate(doc: Document.Parsed, path: FieldPath): { node?: Node; offset?: number } {
  let node: Node | undefined = resolve(doc, doc.contents ?? undefined);
  let offset = node?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = findPair(doc, node as YAMLMap<unknown, unknown>, String(key), 0);
      if (!pair) return { offset };
      const keyNode = pair.key as ParsedNode | null;
      offset = keyNode?.range?.[0] ?? (pair.value as ParsedNode | null)?.range?.[0] ?? offset;
      node = resolve(doc, (pair.value as Node | null) ?? undefined);
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) return { offset };
      offset = item.range?.[0] ?? offset;
      node = resolve(doc, item);
    } else {
      return { offset };
    }
  }
  return { node, offset };
}

function findPair(doc: Document.Parsed, map: YAMLMap<unknown, unknown>, key: string, depth: number): Pair<unknown, unknown> | undefined {
  const direct = map.items.find((pair) => isScalar(pair.key) && typeof pair.key.value !== 'symbol' && String(pair.key.value) === key);
  if (direct || depth > 5) return direct;
  // `<<: *base` merges another mapping's keys into this one.
  for (const pair of map.items) {
    if (!isScalar(pair.key) || (pair.key.value !== '<<' && pair.key.source !== '<<')) continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const resolved = resolve(doc, source as Node);
      if (isMap(resolved)) {
        const found = findPair(doc, resolved, key, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function resolve(doc: Document.Parsed, node: Node | undefined): Node | undefined {
  for (let hops = 0; node && isAlias(node) && hops < 10; hops++) node = node.resolve(doc) as Node | undefined;
  return node;
}
