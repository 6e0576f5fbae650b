// How bash reads text in each quoting context: backslash escapes unquoted, in double quotes and
// in heredoc bodies, C escapes in $'…', the backticks of `…`.
import type { WordPart } from './ast.ts';

export const unescapeUnquoted = (text: string): string => text.replace(/\\(\r?\n|[^])/g, (_, c: string) => (c.endsWith('\n') ? '' : c));
export const unescapeDouble = (text: string): string => text.replace(/\\(\r?\n|[$`"\\])/g, (_, c: string) => (c.endsWith('\n') ? '' : c));
export const unescapeHeredoc = (text: string): string => text.replace(/\\(\r?\n|[$`\\])/g, (_, c: string) => (c.endsWith('\n') ? '' : c));

const ANSI_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
};

/** The value of `$'…'`: C escapes, including \xHH and octal \NNN. */
export function ansiC(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|[^])/g, (whole, c: string) => {
    if (c.startsWith('x')) return String.fromCharCode(parseInt(c.slice(1), 16));
    if (/^[0-7]+$/.test(c)) return String.fromCharCode(parseInt(c, 8));
    return ANSI_ESCAPES[c] ?? whole;
  });
}

/** Offsets of the backticks of a `…` substitution that are not escaped. */
export function backticksOf(text: string): number[] {
  const ticks: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '`') ticks.push(i);
  }
  return ticks;
}

/**
 * Literal text of an unquoted heredoc body, unescaped, with the special parameters ($1, $@, $? …)
 * it holds: tree-sitter-bash only reads them as expansions at the start of a line.
 */
export function heredocLiteral(text: string): WordPart[] {
  const parts: WordPart[] = [];
  let cursor = 0;
  for (const match of text.matchAll(/\$([0-9@#?*$!-]|_(?!\w))/g)) {
    let backslashes = 0;
    for (let k = match.index - 1; k >= 0 && text[k] === '\\'; k--) backslashes++;
    if (backslashes % 2) continue;
    parts.push({ type: 'Lit', value: unescapeHeredoc(text.slice(cursor, match.index)) });
    parts.push({ type: 'ParamExp', name: match[1]!, length: false, raw: match[0] });
    cursor = match.index + match[0].length;
  }
  parts.push({ type: 'Lit', value: unescapeHeredoc(text.slice(cursor)) });
  return mergeLiterals(parts);
}

/** Adjacent literal parts joined, empty ones dropped. */
export function mergeLiterals(parts: readonly WordPart[]): WordPart[] {
  const out: WordPart[] = [];
  for (const part of parts) {
    const last = out.at(-1);
    if (part.type === 'Lit' && last?.type === 'Lit') out[out.length - 1] = { type: 'Lit', value: last.value + part.value };
    else if (part.type !== 'Lit' || part.value) out.push(part);
  }
  return out;
}
