// The module paths a TypeScript source imports: static `import … from`, `export … from` and dynamic
// `import('…')`. A small tokenizer rather than a regex over the text, so that an import written inside a
// string, a template or a comment (a test fixture's source, an example in a comment) is not counted.

export interface ImportSite {
  specifier: string;
  /** 1-based line of the specifier. */
  line: number;
}

interface Token {
  kind: 'word' | 'string' | 'punct';
  text: string;
  line: number;
}

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/** A `/` starts a regular expression unless the token before it ends an operand (then it divides). */
const regexMayStartAfter = (previous: Token | undefined): boolean => {
  if (!previous) return true;
  if (previous.kind === 'string') return false;
  if (previous.kind === 'word') return KEYWORDS_BEFORE_EXPRESSION.has(previous.text);
  return ![')', ']', '}'].includes(previous.text);
};

const isWordChar = (char: string): boolean => /[\w$]/.test(char);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  let braceDepth = 0;
  /** For each template whose `${` is open: the brace depth at which its `}` resumes the template. */
  const openTemplates: number[] = [];

  const advance = (to: number) => {
    for (; i < to && i < source.length; i++) if (source[i] === '\n') line++;
  };
  /** Skips template text from i (just after the backtick or the closing `}` of a substitution). */
  const templateText = () => {
    while (i < source.length) {
      if (source[i] === '\\') advance(i + 2);
      else if (source[i] === '`') {
        advance(i + 1);
        tokens.push({ kind: 'string', text: '', line });
        return;
      } else if (source[i] === '$' && source[i + 1] === '{') {
        advance(i + 2);
        openTemplates.push(braceDepth);
        braceDepth++;
        return;
      } else advance(i + 1);
    }
  };

  while (i < source.length) {
    const char = source[i];
    const next = source[i + 1];
    if (/\s/.test(char)) advance(i + 1);
    else if (char === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      advance(end === -1 ? source.length : end);
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      advance(end === -1 ? source.length : end + 2);
    } else if (char === "'" || char === '"') {
      const startLine = line;
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== char && source[j] !== '\n') {
        if (source[j] === '\\') j++;
        text += source[j];
        j++;
      }
      advance(j + 1);
      tokens.push({ kind: 'string', text, line: startLine });
    } else if (char === '`') {
      advance(i + 1);
      templateText();
    } else if (char === '/' && regexMayStartAfter(tokens.at(-1))) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== '\n' && (inClass || source[j] !== '/')) {
        if (source[j] === '\\') j++;
        else if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        j++;
      }
      j++;
      while (j < source.length && isWordChar(source[j])) j++;
      advance(j);
      tokens.push({ kind: 'string', text: '', line });
    } else if (isWordChar(char)) {
      let j = i;
      while (j < source.length && isWordChar(source[j])) j++;
      tokens.push({ kind: 'word', text: source.slice(i, j), line });
      advance(j);
    } else if (char === '}' && openTemplates.at(-1) === braceDepth - 1) {
      openTemplates.pop();
      braceDepth--;
      advance(i + 1);
      templateText();
    } else {
      if (char === '{') braceDepth++;
      if (char === '}') braceDepth--;
      tokens.push({ kind: 'punct', text: char, line });
      advance(i + 1);
    }
  }
  return tokens;
}

/** The specifier of `import … from 'x'` / `import 'x'` starting at tokens[at] (just after `import`). */
function staticImport(tokens: Token[], at: number): Token | undefined {
  for (let k = at; k < tokens.length; k++) {
    const token = tokens[k];
    if (token.kind === 'string') return token;
    if (token.kind === 'punct' && !['{', '}', ',', '*'].includes(token.text)) return undefined;
  }
  return undefined;
}

/** The specifier of `export * from 'x'` / `export { a } from 'x'` starting at tokens[at] (just after `export`). */
function reExport(tokens: Token[], at: number): Token | undefined {
  let k = at;
  if (tokens[k]?.text === 'type') k++;
  if (tokens[k]?.text === '*') {
    k++;
    if (tokens[k]?.text === 'as') k += 2;
  } else if (tokens[k]?.text === '{') {
    while (k < tokens.length && tokens[k].text !== '}') k++;
    k++;
  } else return undefined;
  return tokens[k]?.text === 'from' && tokens[k + 1]?.kind === 'string' ? tokens[k + 1] : undefined;
}

/** Every module specifier the source imports or re-exports, with its line. */
export function importsOf(source: string): ImportSite[] {
  const tokens = tokenize(source);
  const sites: ImportSite[] = [];
  tokens.forEach((token, k) => {
    if (token.kind !== 'word' || tokens[k - 1]?.text === '.') return;
    let specifier: Token | undefined;
    if (token.text === 'import' && tokens[k + 1]?.text === '(') {
      specifier = tokens[k + 2]?.kind === 'string' && tokens[k + 3]?.text === ')' ? tokens[k + 2] : undefined;
    } else if (token.text === 'import' && tokens[k + 1]?.text !== '.') specifier = staticImport(tokens, k + 1);
    else if (token.text === 'export') specifier = reExport(tokens, k + 1);
    if (specifier) sites.push({ specifier: specifier.text, line: specifier.line });
  });
  return sites;
}
