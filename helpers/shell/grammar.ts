// tree-sitter-bash, the bash grammar of tree-sitter, run by web-tree-sitter (WebAssembly). The
// grammar is loaded once per process; after that, parsing is synchronous and takes milliseconds.
// Memory: once a parse makes its code hot, V8 recompiles the grammar's WebAssembly with its
// optimizing tier, which takes ~500 MB and ~0.4 s in the background; `node --liftoff-only` avoids
// it (the flag only works on node's command line, not from code or NODE_OPTIONS).
import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

/** Parsing stops after this long: tree-sitter is linear, so only an absurd script gets here. */
export const PARSE_BUDGET_MS = 5000;

let loading: Promise<void> | undefined;
let parser: Parser | undefined;
let runtime: Promise<void> | undefined;

/** web-tree-sitter's runtime, started once per process: every grammar loads into it (bash, HCL). */
export function treeSitterRuntime(): Promise<void> {
  runtime ??= Parser.init();
  return runtime;
}

/** Loads the grammar; memoised, so every caller may await it. */
export function loadBashGrammar(): Promise<void> {
  loading ??= (async () => {
    try {
      const wasm = createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm');
      await treeSitterRuntime();
      const language = await Language.load(wasm);
      const ready = new Parser();
      ready.setLanguage(language);
      parser = ready;
    } catch (error) {
      throw new Error(
        `the grader's bash grammar did not load (${(error as Error).message}); reinstall the suite's dependencies with npm ci`,
        { cause: error },
      );
    }
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
