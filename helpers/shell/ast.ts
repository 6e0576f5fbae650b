// The syntax tree of a shell script, shaped after mvdan/sh's (Stmt, CallExpr, IfClause …).
// sh-syntax, the WebAssembly build of mvdan/sh, decides whether a script parses, but it only
// exposes the positions of top-level statements; syntax-tree.ts builds this tree for the analysis
// from tree-sitter-bash's concrete syntax tree.

export interface SourcePos {
  offset: number;
  /** 1-based, in the script's own text. */
  line: number;
}

export type WordPart =
  | { type: 'Lit'; value: string }
  | { type: 'SglQuoted'; value: string }
  | { type: 'DblQuoted'; parts: WordPart[] }
  /** `$X`, `${X}`, `${X:-v}`, `${#X}`, `${X%pat}` …; `name` carries an index when written (`BASH_SOURCE[0]`). */
  | { type: 'ParamExp'; name: string; op?: string; arg?: ShWord; length: boolean; raw: string }
  | { type: 'CmdSubst'; stmts: Stmt[]; raw: string }
  | { type: 'ArithmExp'; raw: string }
  | { type: 'ProcSubst'; stmts: Stmt[]; raw: string };

export interface ShWord {
  parts: WordPart[];
  /** The word as written. */
  raw: string;
  pos: SourcePos;
  /** For `NAME=(a b)` given to a declaration (`declare -a`, `local`, `export`): the elements; `parts` then hold them joined. */
  array?: ShWord[];
}

/** `X=v`, `X+=v`, `X=(a b)`. */
export interface Assign {
  name: string;
  append: boolean;
  value?: ShWord;
  array?: ShWord[];
  raw: string;
  pos: SourcePos;
}

export interface Heredoc {
  delimiter: string;
  /** A quoted delimiter (`<<'EOF'`) keeps the body literal. */
  quoted: boolean;
  /** The body, split into expansions when the delimiter is not quoted. */
  parts: WordPart[];
  raw: string;
  /** The line of the body's first line, in the script's own numbering. */
  line?: number;
}

export interface Redirect {
  /** '>', '>>', '<', '<<', '<<-', '<<<', '&>', '&>>', '>&', '<&', '<>', '>|'. */
  op: string;
  /** The file descriptor written before the operator (`2>`), if any. */
  fd?: string;
  target?: ShWord;
  heredoc?: Heredoc;
  pos: SourcePos;
}

export interface Stmt {
  cmd?: Command;
  negated: boolean;
  background: boolean;
  redirs: Redirect[];
  pos: SourcePos;
}

export interface CallExpr {
  type: 'Call';
  assigns: Assign[];
  args: ShWord[];
  pos: SourcePos;
}

export interface Pipeline {
  type: 'Pipeline';
  stmts: Stmt[];
}

export interface BinaryCmd {
  type: 'Binary';
  op: '&&' | '||';
  x: Stmt;
  y: Stmt;
}

export interface IfClause {
  type: 'If';
  cond: Stmt[];
  then: Stmt[];
  /** `else` statements, or a single statement holding the `elif` clause. */
  else?: Stmt[];
}

export interface WhileClause {
  type: 'While';
  until: boolean;
  cond: Stmt[];
  body: Stmt[];
}

export interface ForClause {
  type: 'For';
  name: string;
  /** Undefined for `for x; do` (the positional parameters) and for C-style loops. */
  items?: ShWord[];
  cStyle: boolean;
  body: Stmt[];
}

export interface CaseClause {
  type: 'Case';
  word: ShWord;
  items: Array<{ patterns: ShWord[]; body: Stmt[] }>;
}

export interface Block {
  type: 'Block';
  stmts: Stmt[];
}

export interface Subshell {
  type: 'Subshell';
  stmts: Stmt[];
}

export interface FuncDecl {
  type: 'Func';
  name: string;
  body: Stmt;
}

/** `[[ … ]]` and `(( … ))`, kept as text. */
export interface RawClause {
  type: 'Test' | 'Arithm';
  raw: string;
}

export type Command =
  | CallExpr
  | Pipeline
  | BinaryCmd
  | IfClause
  | WhileClause
  | ForClause
  | CaseClause
  | Block
  | Subshell
  | FuncDecl
  | RawClause;

export interface ShFile {
  stmts: Stmt[];
  /** Set when the tree is partial or empty because the script is too big or too deep to convert: why. */
  incomplete?: string;
}
