// tree-sitter-bash, the bash grammar of tree-sitter, run by web-tree-sitter (WebAssembly). The
// grammar is loaded once per process; after that, parsing is synchronous and takes milliseconds.
import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

/** Parsing stops after this long: tree-sitter is linear, so only an absurd script gets here. */
export const PARSE_BUDGET_MS = 5000;

let loading: Promise<void> | undefined;
let parser: Parser | undefined;

/** Loads the grammar; memoised, so every caller may await it. */
export function loadBashGrammar(): Promise<void> {
  loading ??= (async () => {
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm');
    await Parser.init();
    const language = await Language.load(wasm);
    const ready = new Parser();
    ready.setLanguage(language);
    parser = ready;
  })();
  return loading;
}

/**
 * The concrete syntax tree of a script (the caller deletes it), or undefined when parsing ran
 * over its time budget. Needs `await loadBashGrammar()` first.
 */
export function parseBashTree(text: string): Tree | undefined {
  if (!parser) throw new Error('the bash grammar is not loaded: await loadBashGrammar() before parsing');
  const deadline = performance.now() + PARSE_BUDGET_MS;
  // Returning true from the progress callback cancels the parse (web-tree-sitter types it as void).
  const tree = parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
  if (tree) return tree;
  parser.reset();
  return undefined;
}
