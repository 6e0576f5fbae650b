// HCL (Terraform) files read into plain data: blocks with their labels, attributes and nested
// blocks, each expression kept as a small tree for terraform.ts to evaluate. Parsed by
// tree-sitter's HCL grammar (@tree-sitter-grammars/tree-sitter-hcl, its Terraform dialect) on the
// same WebAssembly runtime as the bash grammar; nothing is run.
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { treeSitterRuntime } from '../shell/grammar.ts';

export type HclExpr = { line: number; text: string } & (
  | { kind: 'literal'; value: string | number | boolean | null }
  /** A quoted string or heredoc: literal pieces and interpolations in order. */
  | { kind: 'template'; parts: Array<string | HclExpr> }
  /** `var.x`, `local.y`, `kubernetes_namespace.gitlab.metadata[0].name`: a root name and its steps. */
  | { kind: 'reference'; root: string; steps: Array<string | number> }
  /** A call, then attribute or index steps on its result (`jsondecode(file("x.json")).name`). */
  | { kind: 'call'; name: string; args: HclExpr[]; steps: Array<string | number> }
  | { kind: 'tuple'; items: HclExpr[] }
  | { kind: 'object'; entries: Array<[string, HclExpr]> }
  /** Anything else (conditionals, for expressions, operators, splats): its value is not known. */
  | { kind: 'unknown' }
);

export interface HclBlock {
  type: string;
  labels: string[];
  attributes: Map<string, HclExpr>;
  blocks: HclBlock[];
  /** 1-based line of the block's first line. */
  line: number;
}

export interface HclFile {
  blocks: HclBlock[];
  /** Top-level attributes (a .tfvars file is only these). */
  attributes: Map<string, HclExpr>;
}

let loading: Promise<Parser> | undefined;

function hclParser(): Promise<Parser> {
  loading ??= (async () => {
    try {
      const wasm = createRequire(import.meta.url).resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm');
      await treeSitterRuntime();
      const parser = new Parser();
      parser.setLanguage(await Language.load(wasm));
      return parser;
    } catch (error) {
      throw new Error(
        `the grader's HCL grammar did not load (${(error as Error).message}); reinstall the suite's dependencies with npm ci`,
        { cause: error },
      );
    }
  })();
  return loading;
}

const PARSE_BUDGET_MS = 5000;

/** Reads a Terraform file; what does not parse is left out (tree-sitter keeps the rest). */
export async function parseHcl(text: string): Promise<HclFile> {
  const parser = await hclParser();
  const deadline = performance.now() + PARSE_BUDGET_MS;
  const tree = parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
  if (!tree) {
    parser.reset();
    return { blocks: [], attributes: new Map() };
  }
  try {
    const body = tree.rootNode.namedChildren.find((node) => node?.type === 'body');
    return { blocks: body ? blocksOf(body) : [], attributes: body ? attributesOf(body) : new Map() };
  } finally {
    tree.delete();
  }
}

const named = (node: Node): Node[] => node.namedChildren.filter((child): child is Node => child !== null);

function blocksOf(body: Node): HclBlock[] {
  const blocks: HclBlock[] = [];
  for (const node of named(body)) {
    if (node.type !== 'block') continue;
    const children = named(node);
    const inner = children.find((child) => child.type === 'body');
    const block: HclBlock = {
      type: children[0]?.text ?? '',
      labels: children
        .filter((child) => child.type === 'string_lit' || child.type === 'identifier')
        .slice(1)
        .map(labelText),
      attributes: new Map(),
      blocks: inner ? blocksOf(inner) : [],
      line: node.startPosition.row + 1,
    };
    if (inner) block.attributes = attributesOf(inner);
    blocks.push(block);
  }
  return blocks;
}

function attributesOf(body: Node): Map<string, HclExpr> {
  const attributes = new Map<string, HclExpr>();
  for (const attribute of named(body).filter((child) => child.type === 'attribute')) {
    const [name, value] = named(attribute);
    if (name && value) attributes.set(name.text, expressionOf(value));
  }
  return attributes;
}

const labelText = (node: Node): string => (node.type === 'string_lit' ? node.text.slice(1, -1) : node.text);

function expressionOf(node: Node): HclExpr {
  const at = { line: node.startPosition.row + 1, text: node.text };
  const unknown: HclExpr = { ...at, kind: 'unknown' };
  if (node.type !== 'expression') return termOf(node, at) ?? unknown;
  const [head, ...rest] = named(node);
  if (!head) return unknown;
  const steps: Array<string | number> = [];
  for (const step of rest) {
    const value = stepOf(step);
    if (value === undefined) return unknown;
    steps.push(value);
  }
  if (head.type === 'variable_expr') return { ...at, kind: 'reference', root: head.text, steps };
  if (head.type === 'function_call') {
    const [name, args] = named(head);
    const argList = args?.type === 'function_arguments' ? named(args).filter((child) => child.type === 'expression') : [];
    return { ...at, kind: 'call', name: name?.text ?? '', args: argList.map(expressionOf), steps };
  }
  if (steps.length) return unknown;
  return termOf(head, at) ?? unknown;
}

function termOf(node: Node, at: { line: number; text: string }): HclExpr | undefined {
  switch (node.type) {
    case 'literal_value': {
      const inner = named(node)[0];
      if (!inner) return undefined;
      if (inner.type === 'string_lit') return { ...at, kind: 'template', parts: templateParts(inner) };
      if (inner.type === 'numeric_lit') return { ...at, kind: 'literal', value: Number(inner.text) };
      if (inner.type === 'bool_lit') return { ...at, kind: 'literal', value: inner.text === 'true' };
      if (inner.type === 'null_lit') return { ...at, kind: 'literal', value: null };
      return undefined;
    }
    case 'template_expr': {
      const inner = named(node)[0];
      if (inner?.type === 'quoted_template') return { ...at, kind: 'template', parts: templateParts(inner) };
      if (inner?.type === 'heredoc_template') return { ...at, kind: 'template', parts: heredocParts(inner) };
      return undefined;
    }
    case 'collection_value': {
      const inner = named(node)[0];
      if (inner?.type === 'tuple')
        return {
          ...at,
          kind: 'tuple',
          items: named(inner)
            .filter((child) => child.type === 'expression')
            .map(expressionOf),
        };
      if (inner?.type === 'object') {
        const entries: Array<[string, HclExpr]> = [];
        for (const element of named(inner).filter((child) => child.type === 'object_elem')) {
          const [key, value] = named(element).filter((child) => child.type === 'expression');
          if (!key || !value) continue;
          const keyExpr = expressionOf(key);
          const name =
            keyExpr.kind === 'reference' && !keyExpr.steps.length
              ? keyExpr.root
              : keyExpr.kind === 'template' && keyExpr.parts.every((part) => typeof part === 'string')
                ? keyExpr.parts.join('')
                : undefined;
          if (name !== undefined) entries.push([name, expressionOf(value)]);
        }
        return { ...at, kind: 'object', entries };
      }
      return undefined;
    }
    case 'expression':
      return expressionOf(node);
  }
  return undefined;
}

function stepOf(node: Node): string | number | undefined {
  if (node.type === 'get_attr') return named(node).find((child) => child.type === 'identifier')?.text;
  if (node.type !== 'index') return undefined;
  const inner = named(node)[0];
  if (inner?.type === 'legacy_index') {
    const digits = /\d+/.exec(inner.text);
    return digits ? Number(digits[0]) : undefined;
  }
  const key = inner && named(inner).find((child) => child.type === 'expression');
  const value = key ? expressionOf(key) : undefined;
  if (value?.kind === 'literal' && (typeof value.value === 'number' || typeof value.value === 'string')) return value.value;
  if (value?.kind === 'template' && value.parts.every((part) => typeof part === 'string')) return value.parts.join('');
  return undefined;
}

/** The pieces of a quoted template, escapes undone (`\n`, `\"`, `$${` …). */
function templateParts(node: Node): Array<string | HclExpr> {
  const parts: Array<string | HclExpr> = [];
  for (const child of named(node)) {
    if (child.type === 'template_literal') parts.push(unescapeQuoted(child.text));
    else if (child.type === 'template_interpolation') parts.push(interpolation(child));
    else if (child.type === 'template_directive') parts.push({ line: child.startPosition.row + 1, text: child.text, kind: 'unknown' });
  }
  return parts;
}

/** A heredoc's pieces; `<<-` strips the indentation its lines share, as Terraform does. */
function heredocParts(node: Node): Array<string | HclExpr> {
  const parts: Array<string | HclExpr> = [];
  for (const child of named(node)) {
    if (child.type === 'template_literal') parts.push(child.text.replace(/\$\$\{/g, '${'));
    else if (child.type === 'template_interpolation') parts.push(interpolation(child));
    else if (child.type === 'template_directive') parts.push({ line: child.startPosition.row + 1, text: child.text, kind: 'unknown' });
  }
  const start = named(node).find((child) => child.type === 'heredoc_start')?.text ?? '';
  if (!start.startsWith('<<-')) return parts;
  const text = parts.map((part) => (typeof part === 'string' ? part : '\u0000')).join('');
  const indents = text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => /^[ \t]*/.exec(line)![0].length);
  const strip = indents.length ? Math.min(...indents) : 0;
  // Only the start of the text and what follows a newline begin a line (a piece after an interpolation does not).
  return parts.map((part, index) =>
    typeof part === 'string' ? part.replace(new RegExp(`${index === 0 ? '(^|\\n)' : '(\\n)'}[ \\t]{0,${strip}}`, 'g'), '$1') : part,
  );
}

function interpolation(node: Node): HclExpr {
  const inner = named(node).find((child) => child.type === 'expression');
  return inner ? expressionOf(inner) : { line: node.startPosition.row + 1, text: node.text, kind: 'unknown' };
}

const unescapeQuoted = (text: string): string =>
  text.replace(/\$\$\{/g, '${').replace(/\\(["\\nrt])/g, (_, c: string) => ({ '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t' })[c]!);
