// The verdict on a script's syntax, from sh-syntax: mvdan/sh's parser (bash dialect) in WebAssembly.
import { LangVariant, parse } from 'sh-syntax';
import type { SyntaxErrorKind } from './model.ts';

export type SyntaxVerdict =
  /** `statementLines`: the lines on which a top-level statement starts, first on its line (1-based). */
  { ok: true; statementLines: number[] } | { ok: false; kind: SyntaxErrorKind; message: string; line?: number };

/** mvdan/sh's messages for a malformed arithmetic expression. */
const ARITHMETIC_ERROR = /arithmetic|must (follow|be followed by) an expression|ternary operator/;

interface ShParseError {
  Text?: string;
  Pos?: { Line: number; Col: number };
  message?: string;
}

/** Parses as bash; a rejected script gives mvdan/sh's message and the line it names. */
export async function checkSyntax(text: string): Promise<SyntaxVerdict> {
  try {
    const file = await parse(text, { variant: LangVariant.LangBash, keepComments: false });
    return { ok: true, statementLines: statementLines(text, file.Stmts) };
  } catch (error) {
    const parseError = error as ShParseError;
    // Not a syntax error: the WebAssembly runtime failed (out of memory, stack exhausted by nesting).
    if (parseError.Pos === undefined && parseError.Text === undefined) {
      return {
        ok: false,
        kind: 'parser-failure',
        message: `mvdan/sh could not check it (${(parseError.message ?? String(error)).trim()}): it is too large or nested too deeply; split it into smaller scripts`,
      };
    }
    const line = parseError.Pos?.Line;
    const message = (parseError.Text ?? parseError.message ?? String(error)).trim();
    const kind = ARITHMETIC_ERROR.test(message) ? 'arithmetic' : 'syntax';
    return line ? { ok: false, kind, message, line } : { ok: false, kind, message };
  }
}

/** Lines where a top-level statement is the first thing written (mvdan/sh's columns count bytes). */
function statementLines(text: string, stmts: ReadonlyArray<{ Pos: { Line: number; Col: number } }>): number[] {
  const lines = text.split('\n');
  const out: number[] = [];
  for (const { Pos } of stmts) {
    const indent = /^[ \t]*/.exec(lines[Pos.Line - 1] ?? '')![0].length;
    if (indent === Pos.Col - 1 && out.at(-1) !== Pos.Line) out.push(Pos.Line);
  }
  return out;
}
