// Placeholder resolution, in the order of CHECKS.md ("The target"): the provisioner's env (and
// $1, $2 … from its args), then constant assignments of the script or of a file it sources by a
// constant relative path (read, never run: walk.ts), then the target's .env.
// What cannot be known statically stays as written and is named in `unresolved`.
import { posix } from 'node:path';
import type { ShWord, Stmt, WordPart } from './ast.ts';
import type { Word } from './model.ts';

/** A variable's value as the script left it; `unresolved` names the placeholders it still holds. */
export interface Binding {
  value: string;
  unresolved: string[];
  /**
   * Set for an array (`A=(x y)`, `A[2]=z`, `declare -A M`): its elements by index, or by key for an
   * associative array. `value` and `unresolved` are then those of element 0, as `$A` is `${A[0]}`.
   */
  elements?: ReadonlyMap<string, Binding>;
  /** Declared with `declare -A`: its subscripts are keys, not arithmetic. */
  associative?: boolean;
}

/** An array of these elements; as a scalar it is its element 0. */
export function arrayBinding(elements: ReadonlyMap<string, Binding>, associative = false): Binding {
  const first = elements.get('0');
  return { value: first?.value ?? '', unresolved: first?.unresolved ?? [], elements, ...(associative ? { associative } : {}) };
}

const scalar = (binding: Binding): Binding => ({ value: binding.value, unresolved: binding.unresolved });

/** An array's elements in bash's order (indexed ones by index); a scalar is an array of one. */
export function elementsOf(binding: Binding): Array<[string, Binding]> {
  if (!binding.elements) return [['0', scalar(binding)]];
  const entries = [...binding.elements];
  return binding.associative || entries.some(([key]) => !/^\d+$/.test(key)) ? entries : entries.sort((a, b) => Number(a[0]) - Number(b[0]));
}

/** `A[2]` → A and 2; `A` → A. */
function splitSubscript(name: string): { base: string; index?: string } {
  const open = name.indexOf('[');
  if (open <= 0 || !name.endsWith(']')) return { base: name };
  return { base: name.slice(0, open), index: name.slice(open + 1, -1) };
}

const unknownParameter = (name: string): Binding => ({ value: `\${${name}}`, unresolved: [`\${${name}}`] });

export class Scope {
  readonly provisionerEnv: Record<string, string>;
  readonly dotenv: Record<string, string>;
  /** The script's target-relative path, which `$0` and `$(dirname "$0")` stand for. */
  readonly scriptPath: string;
  vars = new Map<string, Binding>();
  exported = new Set<string>();
  /** Positional parameters; undefined when the caller's are unknown. */
  args: Binding[] | undefined;

  constructor(options: {
    provisionerEnv?: Record<string, string>;
    dotenv?: Record<string, string>;
    args?: Binding[];
    scriptPath: string;
    inherited?: Record<string, string>;
  }) {
    this.provisionerEnv = options.provisionerEnv ?? {};
    this.dotenv = options.dotenv ?? {};
    this.scriptPath = options.scriptPath;
    this.args = options.args;
    for (const [name, value] of Object.entries(options.inherited ?? {})) {
      this.vars.set(name, { value, unresolved: [] });
      this.exported.add(name);
    }
  }

  clone(): Scope {
    const copy = new Scope({ provisionerEnv: this.provisionerEnv, dotenv: this.dotenv, args: this.args, scriptPath: this.scriptPath });
    copy.vars = new Map(this.vars);
    copy.exported = new Set(this.exported);
    return copy;
  }

  /** The value of a parameter, or undefined when nothing sets it; `A[i]` is an element, `A[@]` all of them joined. */
  lookup(name: string): Binding | undefined {
    const { base, index } = splitSubscript(name);
    if (/^\d+$/.test(base)) {
      const n = Number(base);
      if (n === 0) return { value: this.scriptPath, unresolved: [] };
      return this.args?.[n - 1];
    }
    if (base === '#' && this.args) return { value: String(this.args.length), unresolved: [] };
    if ((base === '@' || base === '*') && this.args) return joinBindings(this.args);
    if (base === 'BASH_SOURCE') return { value: this.scriptPath, unresolved: [] };
    const binding = this.variable(base);
    if (!binding || index === undefined) return binding;
    if (index === '@' || index === '*') return joinBindings(elementsOf(binding).map(([, element]) => element));
    const key = this.subscript(index, binding);
    if (key === undefined) return unknownParameter(name);
    return binding.elements ? binding.elements.get(key) : key === '0' ? binding : undefined;
  }

  /** The elements `"${A[@]}"`, `${A[*]}`, `${!A[@]}` (the indices) or `$@` stand for; undefined when unknown. */
  list(name: string): Binding[] | undefined {
    if (name === '@' || name === '*') return this.args;
    const match = /^(!?)([A-Za-z_]\w*)\[[@*]\]$/.exec(name);
    const binding = match ? this.variable(match[2]!) : undefined;
    if (!binding) return undefined;
    const entries = elementsOf(binding);
    return match![1] ? entries.map(([key]) => ({ value: key, unresolved: [] })) : entries.map(([, element]) => element);
  }

  private variable(name: string): Binding | undefined {
    if (Object.hasOwn(this.provisionerEnv, name)) return { value: this.provisionerEnv[name]!, unresolved: [] };
    const own = this.vars.get(name);
    if (own) return own;
    if (Object.hasOwn(this.dotenv, name)) return { value: this.dotenv[name]!, unresolved: [] };
    return undefined;
  }

  /** The element an index names: a key of an associative array, else an arithmetic index (a number or a variable holding one). */
  private subscript(index: string, array: Binding): string | undefined {
    let text = index.trim();
    const expansion = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(text);
    const associative = array.associative || (array.elements !== undefined && [...array.elements.keys()].some((key) => !/^\d+$/.test(key)));
    if (expansion || (!associative && /^[A-Za-z_]\w*$/.test(text))) {
      const value = this.lookup(expansion ? expansion[1]! : text);
      if (!value || value.unresolved.length) return undefined;
      text = value.value;
    }
    if (associative) return text.includes('$') || text.includes('`') ? undefined : text;
    if (!/^-?\d+$/.test(text)) return undefined;
    let n = Number(text);
    if (n < 0) n += elementsOf(array).reduce((max, [key]) => Math.max(max, Number(key)), -1) + 1;
    return n < 0 ? undefined : String(n);
  }

  /** Binds a variable, or one element of an array (`A[2]`); an index that cannot be known makes the whole array unknown. */
  set(name: string, binding: Binding, exported = false): void {
    const { base, index } = splitSubscript(name);
    if (index === undefined) this.vars.set(base, binding);
    else {
      const current = this.vars.get(base);
      const key = this.subscript(index, current ?? { value: '', unresolved: [] });
      if (key === undefined) this.vars.set(base, unknownParameter(base));
      else {
        const elements = new Map(current ? elementsOf(current) : []);
        elements.set(key, scalar(binding));
        this.vars.set(base, arrayBinding(elements, current?.associative));
      }
    }
    if (exported) this.exported.add(base);
  }

  /** Variables a child process sees: the provisioner's env and what the script exported. */
  exportedBindings(): Record<string, Binding> {
    const out: Record<string, Binding> = {};
    for (const [name, value] of Object.entries(this.provisionerEnv)) out[name] = { value, unresolved: [] };
    for (const name of this.exported) {
      const binding = this.lookup(name);
      if (binding) out[name] = binding;
    }
    return out;
  }
}

const joinBindings = (bindings: Binding[]): Binding => ({
  value: bindings.map((b) => b.value).join(' '),
  unresolved: bindings.flatMap((b) => b.unresolved),
});

/** Evaluates a command substitution when its value is known statically (dirname "$0" …). */
export type SubstEvaluator = (stmts: Stmt[], raw: string) => Binding | undefined;

export interface Expander {
  scope: Scope;
  /** Called for every command substitution met, so that the commands it runs are analysed too. */
  onSubst?: (stmts: Stmt[]) => void;
  evaluateSubst?: SubstEvaluator;
}

interface Segment {
  text: string;
  /** The result of an unquoted expansion: split into fields on blanks. */
  split: boolean;
  /** The next element of `"${A[@]}"`, `$@` …: it starts a new field. */
  boundary?: boolean;
  /** Placeholders in `text` still unknown: splitting does not cut them (their value may be one word or several; it is left whole). */
  keep?: string[];
}

/** A word as one string (an assignment's value, a heredoc body); the elements of `${A[@]}` are joined by blanks. */
export function expandWord(word: ShWord, expander: Expander): Word {
  const unresolved: string[] = [];
  const segments = expandParts(word.parts, expander, true, unresolved);
  return { value: segments.map((s) => (s.boundary ? ' ' : '') + s.text).join(''), raw: word.raw, unresolved: unique(unresolved) };
}

/** Heredoc parts as one string. */
export function expandText(parts: WordPart[], raw: string, expander: Expander): Word {
  return expandWord({ parts, raw, pos: { offset: 0, line: 0 } }, expander);
}

/** A word in argument position: unquoted expansions are split into several fields, `"${A[@]}"` and `"$@"` give one per element. */
export function expandFields(word: ShWord, expander: Expander): Word[] {
  const unresolved: string[] = [];
  const segments = expandParts(word.parts, expander, false, unresolved);
  const names = unique(unresolved);
  const fields: string[] = [];
  let current = '';
  let started = false;
  for (const segment of segments) {
    if (segment.boundary && (started || current)) {
      fields.push(current);
      current = '';
      started = false;
    }
    if (!segment.split) {
      current += segment.text;
      started = true;
      continue;
    }
    const pieces = splitKeeping(segment.text, segment.keep ?? []);
    pieces.forEach((piece, index) => {
      if (index > 0 && (started || current)) {
        fields.push(current);
        current = '';
        started = false;
      }
      if (piece) {
        current += piece;
        started = true;
      }
    });
  }
  if (started || current) fields.push(current);
  const quotedEmpty =
    fields.length === 0 &&
    !isOnlyList(word, expander.scope) &&
    word.parts.some((part) => part.type === 'SglQuoted' || part.type === 'DblQuoted');
  if (quotedEmpty) fields.push('');
  return fields.map((value) => ({ value, raw: word.raw, unresolved: names.filter((name) => value.includes(name)) }));
}

/** `"$@"` or `"${A[@]}"` alone: nothing at all when there is no element (not one empty word). */
function isOnlyList(word: ShWord, scope: Scope): boolean {
  const only = word.parts.length === 1 ? word.parts[0]! : undefined;
  const inner = only?.type === 'DblQuoted' && only.parts.length === 1 ? only.parts[0]! : only;
  return inner?.type === 'ParamExp' && !inner.op && !inner.length && scope.list(inner.name) !== undefined;
}

/** `$@`, `${A[@]}`, `${!A[@]}`, and unquoted `$*`, `${A[*]}`: a list of elements rather than one value. */
const LIST = /^(?:[@*]|!?[A-Za-z_]\w*\[[@*]\])$/;

function expandParts(parts: WordPart[], expander: Expander, quoted: boolean, unresolved: string[]): Segment[] {
  const out: Segment[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'Lit':
      case 'SglQuoted':
        out.push({ text: part.value, split: false });
        break;
      case 'DblQuoted': {
        const inner = expandParts(part.parts, expander, true, unresolved);
        // `"${A[@]}"` of an empty array gives no segment at all: no word, not an empty one.
        if (inner.some((segment) => segment.boundary) || (!inner.length && part.parts.length))
          out.push(...inner.map((segment) => ({ ...segment, split: false })));
        else out.push({ text: inner.map((segment) => segment.text).join(''), split: false });
        break;
      }
      case 'ParamExp': {
        const list =
          !part.op && !part.length && LIST.test(part.name) && !(quoted && part.name.endsWith('*]')) && !(quoted && part.name === '*')
            ? expander.scope.list(part.name)
            : undefined;
        if (list) {
          list.forEach((element, index) => {
            out.push({ text: element.value, split: !quoted, ...keeping(element.unresolved), ...(index ? { boundary: true } : {}) });
            unresolved.push(...element.unresolved);
          });
          break;
        }
        const binding = parameter(part, expander);
        out.push({ text: binding.value, split: !quoted, ...keeping(binding.unresolved) });
        unresolved.push(...binding.unresolved);
        break;
      }
      case 'CmdSubst': {
        expander.onSubst?.(part.stmts);
        const known = expander.evaluateSubst?.(part.stmts, part.raw);
        if (known) {
          out.push({ text: known.value, split: !quoted, ...keeping(known.unresolved) });
          unresolved.push(...known.unresolved);
        } else {
          out.push({ text: part.raw, split: false });
          unresolved.push(part.raw);
        }
        break;
      }
      case 'ProcSubst':
        expander.onSubst?.(part.stmts);
        out.push({ text: part.raw, split: false });
        unresolved.push(part.raw);
        break;
      case 'ArithmExp':
        out.push({ text: part.raw, split: false });
        unresolved.push(part.raw);
        break;
    }
  }
  return out;
}

function parameter(part: Extract<WordPart, { type: 'ParamExp' }>, expander: Expander): Binding {
  const { scope } = expander;
  const current = scope.lookup(part.name);
  const unknown: Binding = { value: part.raw, unresolved: [part.raw] };
  const argument = (): Binding => {
    if (!part.arg) return { value: '', unresolved: [] };
    const word = expandWord(part.arg, expander);
    return { value: word.value, unresolved: word.unresolved };
  };
  if (part.length) {
    const list = /\[[@*]\]$/.test(part.name) ? scope.list(part.name) : undefined;
    if (list) return { value: String(list.length), unresolved: [] };
    return current && !current.unresolved.length ? { value: String(current.value.length), unresolved: [] } : unknown;
  }
  const op = part.op;
  if (!op) return current ?? unknown;
  if (op === ':-' || op === '-' || op === ':=' || op === '=') {
    const useDefault = !current || (op.startsWith(':') && current.value === '' && !current.unresolved.length);
    if (!useDefault) return current;
    const fallback = argument();
    if (op.endsWith('=')) scope.set(part.name, fallback);
    return fallback;
  }
  if (op === ':+' || op === '+') {
    if (!current) return { value: '', unresolved: [] };
    if (current.unresolved.length) return unknown;
    return op === ':+' && current.value === '' ? { value: '', unresolved: [] } : argument();
  }
  if (op === ':?' || op === '?') return current ?? unknown;
  if (!current || current.unresolved.length) return unknown;
  const arg = argument();
  if (arg.unresolved.length) return unknown;
  const value = current.value;
  switch (op) {
    case '#':
    case '##':
      return { value: stripPattern(value, arg.value, 'prefix', op === '##'), unresolved: [] };
    case '%':
    case '%%':
      return { value: stripPattern(value, arg.value, 'suffix', op === '%%'), unresolved: [] };
    case '/':
    case '//': {
      const slash = arg.value.indexOf('/');
      const pattern = slash >= 0 ? arg.value.slice(0, slash) : arg.value;
      const replacement = slash >= 0 ? arg.value.slice(slash + 1) : '';
      const regex = new RegExp(globToRegex(pattern), op === '//' ? 'g' : '');
      return { value: value.replace(regex, () => replacement), unresolved: [] };
    }
    case '^^':
      return { value: value.toUpperCase(), unresolved: [] };
    case ',,':
      return { value: value.toLowerCase(), unresolved: [] };
    case ':': {
      const [offset, length] = arg.value.split(':').map((n) => Number(n.trim()));
      if (offset === undefined || Number.isNaN(offset)) return unknown;
      const start = offset < 0 ? Math.max(0, value.length + offset) : offset;
      return {
        value: length === undefined || Number.isNaN(length) ? value.slice(start) : value.slice(start, start + length),
        unresolved: [],
      };
    }
  }
  return unknown;
}

function stripPattern(value: string, pattern: string, side: 'prefix' | 'suffix', longest: boolean): string {
  const regex = new RegExp(globToRegex(pattern, longest));
  const candidates: string[] = [];
  for (let k = 0; k <= value.length; k++) {
    const piece = side === 'prefix' ? value.slice(0, k) : value.slice(value.length - k);
    if (new RegExp(`^${regex.source}$`, 's').test(piece)) candidates.push(piece);
  }
  if (!candidates.length) return value;
  const chosen = longest ? candidates[candidates.length - 1]! : candidates[0]!;
  return side === 'prefix' ? value.slice(chosen.length) : value.slice(0, value.length - chosen.length);
}

function globToRegex(glob: string, greedy = true): string {
  let out = '';
  for (const c of glob) {
    if (c === '*') out += greedy ? '.*' : '.*?';
    else if (c === '?') out += '.';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

const unique = (names: string[]): string[] => [...new Set(names)];

const keeping = (unresolved: string[]): { keep?: string[] } => (unresolved.length ? { keep: unresolved } : {});

/** `text.split(/[ \t\n]+/)`, except inside the placeholders `keep` names. */
function splitKeeping(text: string, keep: readonly string[]): string[] {
  if (!keep.length) return text.split(/[ \t\n]+/);
  const spans: Array<[number, number]> = [];
  for (const name of keep) {
    for (let at = name ? text.indexOf(name) : -1; at >= 0; at = text.indexOf(name, at + name.length)) spans.push([at, at + name.length]);
  }
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const blank = text[i] === ' ' || text[i] === '\t' || text[i] === '\n';
    if (!blank || spans.some(([from, to]) => i >= from && i < to)) {
      current += text[i];
      continue;
    }
    pieces.push(current);
    current = '';
    while (i + 1 < text.length && /[ \t\n]/.test(text[i + 1]!) && !spans.some(([from, to]) => i + 1 >= from && i + 1 < to)) i++;
  }
  pieces.push(current);
  return pieces;
}

/**
 * A value split into words on blanks (as install.sh splits INSTALL_K3S_EXEC), each unresolved
 * placeholder kept whole: `--flannel-iface $(ip -o addr | awk '{print $2}')` gives two words, not a
 * cut `$(ip`. Each word names the placeholders it holds.
 */
export function splitOnBlanks(word: Word): Word[] {
  return splitKeeping(word.value, word.unresolved)
    .filter(Boolean)
    .map((value) => ({ value, raw: word.raw, unresolved: word.unresolved.filter((name) => value.includes(name)) }));
}

/** posix normalisation that keeps a leading '..' visible. */
export const normalizePath = (path: string): string => posix.normalize(path).replace(/\/+$/, '') || '.';
