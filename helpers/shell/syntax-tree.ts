// The syntax tree of ast.ts, built from tree-sitter-bash's concrete syntax tree. It runs on
// scripts that sh-syntax (mvdan/sh) accepted, yet tree-sitter-bash misreads some valid bash; the
// conversion repairs the misreadings that change what a script runs (see `Known grammar gaps`),
// skips what it cannot read, and always terminates: nesting and tree size are bounded.
import type { Node } from 'web-tree-sitter';
import type { Assign, Heredoc, Redirect, ShFile, ShWord, SourcePos, Stmt, WordPart } from './ast.ts';
import { parseBashTree, PARSE_BUDGET_MS } from './grammar.ts';
import { ansiC, backticksOf, heredocLiteral, mergeLiterals, unescapeDouble, unescapeUnquoted } from './quoting.ts';

/** Statements and word expansions nested deeper than this are skipped (their JS recursion is bounded). */
const MAX_NESTING = 400;
/** Syntax nodes read per script; a bigger tree is converted up to there. */
const MAX_NODES = 300_000;

const STATEMENTS = new Set([
  'c_style_for_statement',
  'case_statement',
  'command',
  'compound_statement',
  'declaration_command',
  'for_statement',
  'function_definition',
  'if_statement',
  'list',
  'negated_command',
  'pipeline',
  'redirected_statement',
  'subshell',
  'test_command',
  'unset_command',
  'variable_assignment',
  'variable_assignments',
  'while_statement',
]);
const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
const CONTROL_OPERATORS = new Set([';', '&', '|', '|&', '&&', '||']);
const EXPANSIONS = new Set(['simple_expansion', 'expansion', 'command_substitution', 'arithmetic_expansion']);
const TEST_EXPRESSIONS = new Set([
  'unary_expression',
  'binary_expression',
  'parenthesized_expression',
  'ternary_expression',
  'postfix_expression',
]);
/** What a word dropped by the grammar may be, to be put back: plain text, no quoting or expansion. */
const PLAIN_WORD = /^[\w@%+=:,./~-]+$/;

/** The pieces of a command line in source order; control operators split it into commands. */
type Item =
  | { kind: 'word'; word: ShWord }
  | { kind: 'assign'; assign: Assign }
  | { kind: 'redirect'; redirect: Redirect }
  | { kind: 'stmt'; stmt: Stmt }
  | { kind: 'op'; op: string };

/**
 * Parses a script. `firstLine` numbers the lines of an embedded text (`sh -c '…'`).
 * `statementLines` (from sh-syntax, see syntax.ts) are the lines where top-level statements start:
 * when tree-sitter-bash fails somewhere, its error recovery can swallow the rest of the script, so
 * the script is then parsed again one top-level statement at a time, keeping the loss local.
 * Needs `await loadBashGrammar()` (grammar.ts) first.
 */
export function parseScript(text: string, firstLine = 1, statementLines?: readonly number[]): ShFile {
  return convert(text, { firstLine, firstOffset: 0, depth: 0, statementLines });
}

interface Origin {
  /** Line and offset of the text's start in the script it comes from. */
  firstLine: number;
  firstOffset: number;
  /** How deep inside its script the text is (a backtick substitution). */
  depth: number;
  statementLines?: readonly number[];
}

function convert(text: string, origin: Origin): ShFile {
  const tree = parseBashTree(text);
  if (!tree) return { stmts: [], incomplete: `tree-sitter-bash did not parse it within ${PARSE_BUDGET_MS / 1000} s` };
  try {
    if (tree.rootNode.hasError && (origin.statementLines?.length ?? 0) > 1) return byStatement(text, origin);
    const converter = new Converter(text, origin);
    const stmts = converter.block(tree.rootNode);
    return converter.exhausted
      ? { stmts, incomplete: `it holds over ${MAX_NODES} syntax nodes or nests deeper than ${MAX_NESTING} levels` }
      : { stmts };
  } finally {
    tree.delete();
  }
}

/** Converts each top-level statement (with the comments and heredoc bodies after it) on its own. */
function byStatement(text: string, origin: Origin): ShFile {
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  const chunks: Array<{ line: number; start: number }> = [{ line: 1, start: 0 }];
  for (const line of origin.statementLines ?? []) {
    const start = lineStarts[line - 1];
    if (start !== undefined && start > chunks.at(-1)!.start) chunks.push({ line, start });
  }
  const file: ShFile = { stmts: [] };
  chunks.forEach(({ line, start }, index) => {
    const end = chunks[index + 1]?.start ?? text.length;
    const part = convert(text.slice(start, end), {
      firstLine: origin.firstLine + line - 1,
      firstOffset: origin.firstOffset + start,
      depth: origin.depth,
    });
    append(file.stmts, part.stmts);
    if (part.incomplete) file.incomplete ??= part.incomplete;
  });
  return file;
}

// Known grammar gaps of tree-sitter-bash 0.25 that the conversion repairs:
// - a bare `-` right before a heredoc or an `N>` redirection is left out of the tree
//   (`kubectl apply -f - <<EOF`): text between a command's nodes is put back as words;
// - a redirection takes the words after its target as more targets (tree-sitter-bash#233,
//   `grep 2>/dev/null -q x f`): they are the command's arguments;
// - after a heredoc, `;` or a redirection followed by `|` becomes an ERROR inside the redirection
//   (tree-sitter-bash#346): the operator splits the words into the commands it separates;
// - a heredoc body whose first line starts with a backslash is read as words of the command:
//   the body is taken from the source and parsed on its own;
// - `<<<` after a redirection becomes an ERROR `<<` and a `<` redirection (tree-sitter-bash#282);
// - two backtick substitutions separated by blanks (`a` `b`) become one: it is split again;
// - in a heredoc body, `$1`, `$@`, `$?` … are not expansions unless they start a line: they are
//   read from the body's literal text.
class Converter {
  private readonly src: string;
  private readonly firstLine: number;
  private readonly firstOffset: number;
  private readonly lineStarts: number[] = [0];
  private depth: number;
  private nodes = 0;
  exhausted = false;

  constructor(src: string, origin: Origin) {
    this.src = src;
    this.firstLine = origin.firstLine;
    this.firstOffset = origin.firstOffset;
    this.depth = origin.depth;
    for (let k = 0; k < src.length; k++) if (src[k] === '\n') this.lineStarts.push(k + 1);
  }

  private pos(offset: number): SourcePos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset: this.firstOffset + offset, line: this.firstLine + lo };
  }

  private text(node: Node): string {
    return this.src.slice(node.startIndex, node.endIndex);
  }

  /**
   * A node's children with their field names, zero-width MISSING nodes left out. They are counted
   * against MAX_NODES: past it, the rest is left out. (A cursor, because `node.child(i)` is O(i).)
   */
  private children(node: Node): Array<{ node: Node; field: string | null }> {
    const out: Array<{ node: Node; field: string | null }> = [];
    const cursor = node.walk();
    try {
      if (!cursor.gotoFirstChild()) return out;
      do {
        if (++this.nodes > MAX_NODES) {
          this.exhausted = true;
          break;
        }
        const child = cursor.currentNode;
        if (!child.isMissing) out.push({ node: child, field: cursor.currentFieldName });
      } while (cursor.gotoNextSibling());
    } finally {
      cursor.delete();
    }
    return out;
  }

  private nest<T>(fallback: T, run: () => T): T {
    if (this.depth >= MAX_NESTING) {
      this.exhausted = true;
      return fallback;
    }
    this.depth++;
    try {
      return run();
    } finally {
      this.depth--;
    }
  }

  // ---- statements ----

  /** The statements of a list of commands: a script, `do … done`, `{ … }`, `( … )`, `$( … )`, a case branch. */
  block(node: Node): Stmt[] {
    const stmts: Stmt[] = [];
    for (const { node: child } of this.children(node)) {
      if (child.type === '&') {
        const last = stmts.at(-1);
        if (last) last.background = true;
      } else if (STATEMENTS.has(child.type)) append(stmts, this.statement(child));
      else if (child.type === 'ERROR' || (node.type === 'ERROR' && child.namedChildCount > 0))
        append(
          stmts,
          this.nest([], () => this.block(child)),
        );
    }
    return stmts;
  }

  private statement(node: Node): Stmt[] {
    return this.nest([], () => this.statementOf(node));
  }

  private statementOf(node: Node): Stmt[] {
    const pos = this.pos(node.startIndex);
    const stmt = (cmd: Stmt['cmd']): Stmt => ({ cmd, negated: false, background: false, redirs: [], pos });
    switch (node.type) {
      case 'command':
      case 'redirected_statement':
      case 'variable_assignment':
      case 'variable_assignments':
      case 'declaration_command':
      case 'unset_command':
      case 'pipeline':
      case 'list':
        return this.assemble(this.items(node));
      case 'negated_command': {
        const stmts = this.block(node);
        if (stmts[0]) stmts[0].negated = !stmts[0].negated;
        return stmts;
      }
      case 'test_command':
        return [this.test(node)];
      case 'compound_statement':
        if (node.firstChild?.type === '((') return [stmt({ type: 'Arithm', raw: this.text(node) })];
        return [stmt({ type: 'Block', stmts: this.block(node) })];
      case 'subshell':
        return [stmt({ type: 'Subshell', stmts: this.block(node) })];
      case 'if_statement': {
        const clause = this.condThen(node);
        return [stmt({ type: 'If', cond: clause.cond, then: clause.then, else: this.elseChain(clause.rest) })];
      }
      case 'while_statement': {
        let until = false;
        const cond: Stmt[] = [];
        let body: Stmt[] = [];
        for (const { node: child } of this.children(node)) {
          if (child.type === 'until') until = true;
          else if (child.type === 'do_group') body = this.block(child);
          else if (STATEMENTS.has(child.type)) append(cond, this.statement(child));
        }
        return [stmt({ type: 'While', until, cond, body })];
      }
      case 'for_statement': {
        let name = '';
        let items: ShWord[] | undefined;
        let body: Stmt[] = [];
        for (const { node: child, field } of this.children(node)) {
          if (field === 'variable') name = this.text(child);
          else if (child.type === 'in') items = [];
          else if (field === 'value') (items ??= []).push(this.word(child));
          else if (field === 'body') body = this.block(child);
        }
        return [stmt({ type: 'For', name, items, cStyle: false, body })];
      }
      case 'c_style_for_statement': {
        const body = node.childForFieldName('body');
        return [stmt({ type: 'For', name: '', cStyle: true, body: body ? this.block(body) : [] })];
      }
      case 'case_statement': {
        const value = node.childForFieldName('value');
        const items: Array<{ patterns: ShWord[]; body: Stmt[] }> = [];
        for (const { node: child } of this.children(node)) {
          if (child.type !== 'case_item') continue;
          const patterns: ShWord[] = [];
          const body: Stmt[] = [];
          for (const { node: part, field } of this.children(child)) {
            if (field === 'value') patterns.push(this.word(part));
            else if (STATEMENTS.has(part.type)) append(body, this.statement(part));
          }
          items.push({ patterns, body });
        }
        return [stmt({ type: 'Case', word: value ? this.word(value) : { parts: [], raw: '', pos }, items })];
      }
      case 'function_definition': {
        let name = '';
        let body: Stmt | undefined;
        const redirs: Redirect[] = [];
        for (const { node: child, field } of this.children(node)) {
          if (field === 'name') name = this.text(child);
          else if (field === 'body') body = this.statement(child)[0];
          else if (field === 'redirect')
            for (const item of this.redirectItems(child)) if (item.kind === 'redirect') redirs.push(item.redirect);
        }
        body ??= stmt({ type: 'Block', stmts: [] });
        append(body.redirs, redirs);
        return [stmt({ type: 'Func', name, body })];
      }
      case 'ERROR':
        return this.block(node);
      default:
        return [];
    }
  }

  /** `if`/`elif` clause: the statements before `then`, those after, and the `elif`/`else` clauses that follow. */
  private condThen(node: Node): { cond: Stmt[]; then: Stmt[]; rest: Node[] } {
    const cond: Stmt[] = [];
    const then: Stmt[] = [];
    const rest: Node[] = [];
    let bucket = cond;
    for (const { node: child } of this.children(node)) {
      if (child.type === 'then') bucket = then;
      else if (child.type === 'elif_clause' || child.type === 'else_clause') rest.push(child);
      else if (STATEMENTS.has(child.type)) append(bucket, this.statement(child));
    }
    return { cond, then, rest };
  }

  /** `elif` becomes an `if` in the `else` branch, as mvdan/sh models it. */
  private elseChain(clauses: Node[]): Stmt[] | undefined {
    const [first, ...rest] = clauses;
    if (!first) return undefined;
    if (first.type === 'else_clause') return this.block(first);
    return this.nest(undefined, () => {
      const clause = this.condThen(first);
      const elseStmts = this.elseChain([...clause.rest, ...rest]);
      return [
        {
          cmd: { type: 'If', cond: clause.cond, then: clause.then, else: elseStmts },
          negated: false,
          background: false,
          redirs: [],
          pos: this.pos(first.startIndex),
        },
      ];
    });
  }

  /** `[ … ]` runs like `test`: a command with the expression's words; `[[ … ]]` is kept as text. */
  private test(node: Node): Stmt {
    const pos = this.pos(node.startIndex);
    const open = node.firstChild?.type;
    if (open !== '[') return { cmd: { type: 'Test', raw: this.text(node) }, negated: false, background: false, redirs: [], pos };
    const args: ShWord[] = [];
    const collect = (parent: Node): void => {
      for (const { node: child } of this.children(parent)) {
        if (TEST_EXPRESSIONS.has(child.type)) this.nest(undefined, () => collect(child));
        else if (child.type === 'comment') continue;
        else if (!child.isNamed || child.type === 'test_operator') args.push(this.literalWord(this.text(child), child.startIndex));
        else args.push(this.word(child));
      }
    };
    collect(node);
    return { cmd: { type: 'Call', assigns: [], args, pos }, negated: false, background: false, redirs: [], pos };
  }

  // ---- command lines ----

  /** The items of a simple command, a redirected statement, a pipeline or an and-or list. */
  private items(node: Node): Item[] {
    return this.nest([], () => {
      switch (node.type) {
        case 'pipeline':
        case 'list': {
          const out: Item[] = [];
          for (const { node: child } of this.children(node)) {
            if (CONTROL_OPERATORS.has(child.type)) out.push({ kind: 'op', op: child.type });
            else if (STATEMENTS.has(child.type) || child.type === 'ERROR') append(out, this.items(child));
          }
          return out;
        }
        case 'command':
        case 'redirected_statement':
        case 'variable_assignments':
          return this.lineItems(node);
        case 'variable_assignment':
          return [{ kind: 'assign', assign: this.assign(node) }];
        case 'declaration_command':
        case 'unset_command':
          return this.declarationItems(node);
        case 'ERROR': {
          const op = this.operatorOf(node);
          if (op) return [{ kind: 'op', op }];
          return this.separated(this.block(node));
        }
        default:
          return this.separated(this.statement(node));
      }
    });
  }

  private separated(stmts: Stmt[]): Item[] {
    return stmts.flatMap((stmt, index): Item[] =>
      index
        ? [
            { kind: 'op', op: ';' },
            { kind: 'stmt', stmt },
          ]
        : [{ kind: 'stmt', stmt }],
    );
  }

  /** Words, assignments and redirections of a command, with the body of a redirected statement. */
  private lineItems(node: Node): Item[] {
    const out: Item[] = [];
    let cursor = node.startIndex;
    let herestring = false;
    for (const { node: child, field } of this.children(node)) {
      append(out, this.droppedWords(cursor, child.startIndex));
      cursor = child.endIndex;
      if (child.type === 'comment') continue;
      if (field === 'body') append(out, child.type === 'command' ? this.lineItems(child) : this.items(child));
      else if (child.type === 'variable_assignment') out.push({ kind: 'assign', assign: this.assign(child) });
      else if (REDIRECTS.has(child.type)) {
        const items = this.redirectItems(child);
        if (herestring && items[0]?.kind === 'redirect' && items[0].redirect.op === '<') items[0].redirect.op = '<<<';
        append(out, items);
      } else if (child.type === 'ERROR' && this.text(child).trim() === '<<') herestring = true;
      else if (field === 'name' || field === 'argument' || (child.isNamed && child.type !== 'subshell'))
        out.push({ kind: 'word', word: this.word(child) });
      if (child.type !== 'ERROR') herestring = false;
    }
    return out;
  }

  /** `export A=1 B`, `local x`, `unset X`: a command whose words carry the assignments as written. */
  private declarationItems(node: Node): Item[] {
    const out: Item[] = [];
    for (const { node: child } of this.children(node)) {
      if (child.type === 'comment') continue;
      if (child.type === 'variable_assignment') {
        const assign = this.assign(child);
        const valueParts = assign.array
          ? assign.array.flatMap((word, index): WordPart[] => (index ? [{ type: 'Lit', value: ' ' }, ...word.parts] : word.parts))
          : (assign.value?.parts ?? []);
        const parts = mergeLiterals([{ type: 'Lit', value: `${assign.name}${assign.append ? '+=' : '='}` }, ...valueParts]);
        out.push({ kind: 'word', word: { parts, raw: assign.raw, pos: assign.pos, ...(assign.array ? { array: assign.array } : {}) } });
      } else if (REDIRECTS.has(child.type)) append(out, this.redirectItems(child));
      else if (child.type === 'ERROR') append(out, this.errorItems(child));
      else if (!child.isNamed) out.push({ kind: 'word', word: this.literalWord(this.text(child), child.startIndex) });
      else out.push({ kind: 'word', word: this.word(child) });
    }
    return out;
  }

  private errorItems(node: Node): Item[] {
    const op = this.operatorOf(node);
    return op ? [{ kind: 'op', op }] : [];
  }

  /** An ERROR node that is only a control operator (`;`, `|` …) misplaced by the grammar. */
  private operatorOf(node: Node): string | undefined {
    if (node.endIndex - node.startIndex > 8) return undefined;
    const text = this.text(node).trim();
    return CONTROL_OPERATORS.has(text) ? text : undefined;
  }

  /** Plain words in the text between two nodes of a command: words the grammar left out of the tree. */
  private droppedWords(from: number, to: number): Item[] {
    if (to <= from) return [];
    const out: Item[] = [];
    for (const match of this.src
      .slice(from, to)
      .replace(/\\\r?\n/g, '  ')
      .matchAll(/\S+/g)) {
      if (PLAIN_WORD.test(match[0])) out.push({ kind: 'word', word: this.literalWord(match[0], from + match.index) });
    }
    return out;
  }

  private redirectItems(node: Node): Item[] {
    const pos = this.pos(node.startIndex);
    if (node.type === 'heredoc_redirect') return this.heredocItems(node);
    const redirect: Redirect = { op: node.type === 'herestring_redirect' ? '<<<' : '', pos };
    const after: Item[] = [];
    let cursor = node.startIndex;
    for (const { node: child, field } of this.children(node)) {
      if (redirect.target) append(after, this.droppedWords(cursor, child.startIndex));
      cursor = child.endIndex;
      if (field === 'descriptor') redirect.fd = this.text(child);
      else if (child.type === 'ERROR') append(after, this.errorItems(child));
      else if (!child.isNamed) redirect.op ||= child.type;
      else if (child.type === 'comment') continue;
      else if (!redirect.target) redirect.target = this.word(child);
      else after.push({ kind: 'word', word: this.word(child) });
    }
    return [{ kind: 'redirect', redirect }, ...after];
  }

  /** A heredoc redirection, then what follows it on its line (redirections, `| cmd`, `&& cmd`). */
  private heredocItems(node: Node): Item[] {
    const redirect: Redirect = { op: '<<', pos: this.pos(node.startIndex) };
    const after: Item[] = [];
    let written = '';
    let body: Node | undefined;
    let end: Node | undefined;
    let swallowedFrom: number | undefined;
    for (const { node: child, field } of this.children(node)) {
      if (field === 'descriptor') redirect.fd = this.text(child);
      else if (child.type === '<<' || child.type === '<<-') redirect.op = child.type;
      else if (child.type === 'heredoc_start') {
        written = this.text(child);
        // `<<EOF; cmd`: the grammar glues the operator to the delimiter.
        const glued = /^([^'"\\;&|]+)(;|&&|\|\||\||&)$/.exec(written);
        if (glued) {
          written = glued[1]!;
          after.push({ kind: 'op', op: glued[2]! });
        }
      } else if (child.type === 'heredoc_body') body = child;
      else if (child.type === 'heredoc_end') end = child;
      else if (field === 'argument' && (swallowedFrom !== undefined || (child.type === 'word' && this.text(child).startsWith('\n'))))
        swallowedFrom ??= child.startIndex + 1;
      else if (field === 'argument') after.push({ kind: 'word', word: this.word(child) });
      else if (REDIRECTS.has(child.type)) append(after, this.redirectItems(child));
      else if (child.type === 'pipeline') append(after, this.items(child));
      else if (field === 'operator') after.push({ kind: 'op', op: child.type });
      else if (field === 'right' || STATEMENTS.has(child.type)) append(after, this.items(child));
      else if (child.type === 'ERROR') append(after, this.errorItems(child));
    }
    redirect.heredoc = this.heredoc(redirect.op === '<<-', written, body, end, swallowedFrom);
    return [{ kind: 'redirect', redirect }, ...after];
  }

  /** `written`: the delimiter as written; `swallowedFrom`: where the body starts when the grammar misread it. */
  private heredoc(
    stripTabs: boolean,
    written: string,
    body: Node | undefined,
    end: Node | undefined,
    swallowedFrom: number | undefined,
  ): Heredoc {
    const quoted = /['"\\]/.test(written);
    const delimiter = written.replace(/['"\\]/g, '');
    const endLine = end && this.text(end).trim() === delimiter ? lineStart(this.src, end.startIndex) : undefined;
    let bodyStart = swallowedFrom ?? (body ? lineStart(this.src, body.startIndex) : (endLine ?? this.src.length));
    if (body && swallowedFrom === undefined && /\S/.test(this.src.slice(bodyStart, body.startIndex))) bodyStart = body.startIndex;
    const bodyEnd = Math.max(bodyStart, endLine ?? this.delimiterLine(bodyStart, delimiter, stripTabs) ?? body?.endIndex ?? bodyStart);
    const strip = (text: string, atLineStart: boolean): string =>
      stripTabs ? text.replace(atLineStart ? /^\t+|(?<=\n)\t+/g : /(?<=\n)\t+/g, '') : text;
    const raw = strip(this.src.slice(bodyStart, bodyEnd), true);
    const line = this.pos(bodyStart).line;
    if (quoted) return { delimiter, quoted, parts: raw ? [{ type: 'Lit', value: raw }] : [], raw, line };
    if (swallowedFrom !== undefined)
      return { delimiter, quoted, parts: reparsedHeredoc(raw, this.pos(bodyStart), this.depth + 1), raw, line };
    const parts = body
      ? this.textParts(body, bodyStart, bodyEnd, heredocLiteral, (text, offset) =>
          strip(text, offset === bodyStart || this.src[offset - 1] === '\n'),
        )
      : [];
    return { delimiter, quoted, parts, raw, line };
  }

  /** Where the line closing a heredoc starts, when the grammar did not find it. */
  private delimiterLine(from: number, delimiter: string, stripTabs: boolean): number | undefined {
    for (let at = from; at < this.src.length; ) {
      const newline = this.src.indexOf('\n', at);
      const next = newline < 0 ? this.src.length : newline;
      const line = this.src.slice(at, next).replace(/\r$/, '');
      if ((stripTabs ? line.replace(/^\t+/, '') : line) === delimiter) return at;
      at = next + 1;
    }
    return undefined;
  }

  /** The parts of an unquoted heredoc body in [from, to). */
  bodyParts(body: Node, from: number, to: number): WordPart[] {
    return this.textParts(body, from, to, heredocLiteral);
  }

  /** Builds commands from items: `|` binds tighter than `&&`/`||`, which bind tighter than `;`/`&`. */
  private assemble(items: Item[]): Stmt[] {
    const units: Array<Item[]> = [[]];
    const ops: string[] = [];
    for (const item of items) {
      if (item.kind === 'op') {
        ops.push(item.op);
        units.push([]);
      } else units.at(-1)!.push(item);
    }
    const sequence: Stmt[] = [];
    let andOr: Stmt | undefined;
    let andOrOp: '&&' | '||' | undefined;
    let pipeline: Stmt[] = [];
    const closePipeline = (): void => {
      const stmt = pipelineOf(pipeline);
      pipeline = [];
      if (!stmt) return;
      andOr =
        andOr && andOrOp
          ? { cmd: { type: 'Binary', op: andOrOp, x: andOr, y: stmt }, negated: false, background: false, redirs: [], pos: andOr.pos }
          : (andOr ?? stmt);
      andOrOp = undefined;
    };
    units.forEach((unit, index) => {
      const stmt = this.commandOf(unit);
      if (stmt) pipeline.push(stmt);
      const op = ops[index];
      if (op === '|' || op === '|&') return;
      closePipeline();
      if (op === '&&' || op === '||') {
        andOrOp = op;
        return;
      }
      if (andOr) {
        andOr.background = op === '&';
        sequence.push(andOr);
      }
      andOr = undefined;
      andOrOp = undefined;
    });
    return sequence;
  }

  /** One command of a line: a compound statement with its redirections, or a simple command. */
  private commandOf(items: Item[]): Stmt | undefined {
    const redirs = items.flatMap((item) => (item.kind === 'redirect' ? [item.redirect] : []));
    const compound = items.find((item) => item.kind === 'stmt');
    if (compound) {
      append(compound.stmt.redirs, redirs);
      return compound.stmt;
    }
    const assigns = items.flatMap((item) => (item.kind === 'assign' ? [item.assign] : []));
    const args = items.flatMap((item) => (item.kind === 'word' ? [item.word] : []));
    const first = items[0];
    if (!first) return undefined;
    const pos =
      first.kind === 'word'
        ? first.word.pos
        : first.kind === 'assign'
          ? first.assign.pos
          : first.kind === 'redirect'
            ? first.redirect.pos
            : this.pos(0);
    return { cmd: { type: 'Call', assigns, args, pos }, negated: false, background: false, redirs, pos };
  }

  private assign(node: Node): Assign {
    const name = node.childForFieldName('name');
    const value = node.childForFieldName('value');
    const assign: Assign = {
      name: name ? this.text(name) : '',
      append: this.children(node).some(({ node: child }) => child.type === '+='),
      raw: this.text(node),
      pos: this.pos(node.startIndex),
    };
    if (value?.type === 'array')
      assign.array = this.children(value)
        .filter(({ node: child }) => child.isNamed && child.type !== 'comment')
        .map(({ node: child }) => this.word(child));
    else if (value) assign.value = this.word(value);
    return assign;
  }

  // ---- words ----

  private word(node: Node): ShWord {
    const start = this.startOf(node);
    return { parts: mergeLiterals(this.parts(node)), raw: this.src.slice(start, node.endIndex), pos: this.pos(start) };
  }

  /** Where a node starts; in a string the grammar may start an expansion at the blank before its `$`. */
  private startOf(node: Node): number {
    return EXPANSIONS.has(node.type) ? node.startIndex + leadingBlanks(this.text(node)) : node.startIndex;
  }

  private literalWord(value: string, offset: number): ShWord {
    return { parts: [{ type: 'Lit', value }], raw: value, pos: this.pos(offset) };
  }

  private parts(node: Node): WordPart[] {
    return this.nest([{ type: 'Lit', value: this.text(node) }], () => this.partsOf(node));
  }

  private partsOf(node: Node): WordPart[] {
    const text = this.src.slice(this.startOf(node), node.endIndex);
    switch (node.type) {
      case 'word':
      case 'regex':
      case 'extglob_pattern':
        return [{ type: 'Lit', value: unescapeUnquoted(text) }];
      case 'raw_string':
        return [{ type: 'SglQuoted', value: text.slice(1, text.endsWith("'") && text.length > 1 ? -1 : undefined) }];
      case 'ansi_c_string':
        return [{ type: 'SglQuoted', value: ansiC(text.slice(2, text.endsWith("'") && text.length > 2 ? -1 : undefined)) }];
      case 'string': {
        const from = node.startIndex + 1;
        const to = text.length > 1 && text.endsWith('"') ? node.endIndex - 1 : node.endIndex;
        return [
          { type: 'DblQuoted', parts: this.textParts(node, from, to, (literal) => [{ type: 'Lit', value: unescapeDouble(literal) }]) },
        ];
      }
      case 'translated_string': {
        const inner = node.namedChildren.find((child) => child?.type === 'string');
        return inner ? this.parts(inner) : [{ type: 'Lit', value: text }];
      }
      case 'simple_expansion':
        return [{ type: 'ParamExp', name: node.lastNamedChild ? this.text(node.lastNamedChild) : text.slice(1), length: false, raw: text }];
      case 'expansion':
        return [this.expansion(node)];
      case 'command_substitution':
        if (text.startsWith('`') && backticksOf(text).length > 2) return this.backticks(text, this.startOf(node));
        return [{ type: 'CmdSubst', stmts: this.block(node), raw: text }];
      case 'process_substitution':
        return [{ type: 'ProcSubst', stmts: this.block(node), raw: text }];
      case 'arithmetic_expansion':
        return [{ type: 'ArithmExp', raw: text }];
      case 'concatenation':
      case 'command_name':
        return this.sequenceParts(node, node.startIndex, node.endIndex);
      case 'number':
        return node.namedChildCount ? this.sequenceParts(node, node.startIndex, node.endIndex) : [{ type: 'Lit', value: text }];
      default:
        return [{ type: 'Lit', value: text }];
    }
  }

  /**
   * Text in [from, to) of a quoted string or heredoc body: its expansions, and literal text between
   * them (`literal` reads it; `adjust` first edits it, given its offset).
   */
  private textParts(
    node: Node,
    from: number,
    to: number,
    literal: (text: string) => WordPart[],
    adjust = (text: string, _offset: number): string => text,
  ): WordPart[] {
    const parts: WordPart[] = [];
    let cursor = from;
    const literalTo = (end: number): void => {
      if (end > cursor) append(parts, literal(adjust(this.src.slice(cursor, end), cursor)));
    };
    for (const { node: child } of this.children(node)) {
      const start = this.startOf(child);
      if (!EXPANSIONS.has(child.type) || start < cursor || child.endIndex > to) continue;
      literalTo(start);
      append(parts, this.parts(child));
      cursor = child.endIndex;
    }
    literalTo(to);
    return mergeLiterals(parts);
  }

  /** Text in [from, to) made of words, quotes and expansions side by side (`a"$b"c`, `${X:-a b}`). */
  private sequenceParts(node: Node, from: number, to: number): WordPart[] {
    const parts: WordPart[] = [];
    let cursor = from;
    for (const { node: child } of this.children(node)) {
      if (!child.isNamed || child.type === 'comment' || child.startIndex < cursor || child.endIndex > to) continue;
      if (child.startIndex > cursor) parts.push({ type: 'Lit', value: unescapeUnquoted(this.src.slice(cursor, child.startIndex)) });
      append(parts, this.parts(child));
      cursor = child.endIndex;
    }
    if (to > cursor) parts.push({ type: 'Lit', value: unescapeUnquoted(this.src.slice(cursor, to)) });
    return mergeLiterals(parts);
  }

  /** Backtick substitutions the grammar merged (`a` `b`), each parsed on its own as bash reads it. */
  private backticks(text: string, offset: number): WordPart[] {
    const ticks = backticksOf(text);
    const parts: WordPart[] = [];
    let cursor = 0;
    for (let k = 0; k + 1 < ticks.length; k += 2) {
      const open = ticks[k]!;
      const close = ticks[k + 1]!;
      if (open > cursor) parts.push({ type: 'Lit', value: text.slice(cursor, open) });
      const inner = text.slice(open + 1, close).replace(/\\([\\`$])/g, '$1');
      const at = this.pos(offset + open + 1);
      parts.push({
        type: 'CmdSubst',
        stmts: convert(inner, { firstLine: at.line, firstOffset: at.offset, depth: this.depth + 1 }).stmts,
        raw: text.slice(open, close + 1),
      });
      cursor = close + 1;
    }
    if (cursor < text.length) parts.push({ type: 'Lit', value: text.slice(cursor) });
    return parts;
  }

  /** `${X}`, `${X:-v}`, `${#X}`, `${!X}`, `${X%%pat}`, `${a[0]}` … */
  private expansion(node: Node): WordPart {
    const raw = this.src.slice(this.startOf(node), node.endIndex);
    const part: Extract<WordPart, { type: 'ParamExp' }> = { type: 'ParamExp', name: '', length: false, raw };
    let prefix = '';
    let argFrom: number | undefined;
    let argTo = raw.endsWith('}') ? node.endIndex - 1 : node.endIndex;
    for (const { node: child } of this.children(node)) {
      if (child.type === '${') continue;
      if (child.type === '}') {
        argTo = child.startIndex;
        break;
      }
      if (argFrom !== undefined) continue;
      if (!part.name && ['variable_name', 'special_variable_name', 'subscript'].includes(child.type)) part.name = prefix + this.text(child);
      else if (!part.name && child.type === '#') part.length = true;
      else if (!part.name && child.type === '!') prefix = '!';
      else if (part.name && !child.isNamed) {
        part.op = child.type;
        argFrom = child.endIndex;
      } else argFrom = child.startIndex;
    }
    if (!part.name && part.length) {
      part.name = '#';
      part.length = false;
    } else if (!part.name && prefix) part.name = prefix;
    if (argFrom !== undefined && part.op) {
      const arg = this.sequenceParts(node, argFrom, Math.max(argFrom, argTo));
      part.arg = { parts: arg, raw: this.src.slice(argFrom, Math.max(argFrom, argTo)), pos: this.pos(argFrom) };
    }
    return part;
  }
}

/** `cmd | cmd …`; a `!` written before the first command negates the whole pipeline, as in bash. */
function pipelineOf(stmts: Stmt[]): Stmt | undefined {
  const [first] = stmts;
  if (!first || stmts.length === 1) return first;
  const negated = first.negated;
  first.negated = false;
  return { cmd: { type: 'Pipeline', stmts }, negated, background: false, redirs: [], pos: first.pos };
}

/** A heredoc body the grammar misread, parsed on its own after a first line that cannot trip it. */
function reparsedHeredoc(body: string, at: SourcePos, depth: number): WordPart[] {
  let delimiter = 'IOT_HEREDOC_END';
  while (body.includes(delimiter)) delimiter += '_';
  // The body starts on the third line of this text, at head.length.
  const head = `: <<${delimiter}\n.\n`;
  const text = `${head}${body}${delimiter}\n`;
  const tree = parseBashTree(text);
  if (!tree) return body ? [{ type: 'Lit', value: body }] : [];
  try {
    const node = tree.rootNode.descendantsOfType('heredoc_body')[0];
    const converter = new Converter(text, { firstLine: at.line - 2, firstOffset: at.offset - head.length, depth });
    return node ? converter.bodyParts(node, head.length, head.length + body.length) : [{ type: 'Lit', value: body }];
  } finally {
    tree.delete();
  }
}

/** `target.push(...items)` without the limit a spread puts on the number of items. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

const leadingBlanks = (text: string): number => text.length - text.trimStart().length;
