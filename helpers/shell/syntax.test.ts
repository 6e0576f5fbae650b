import { describe, expect, it } from 'vitest';
import { checkSyntax } from './syntax.ts';

describe('checkSyntax (sh-syntax, bash dialect)', () => {
  it('accepts bash and gives the lines where top-level statements start', async () => {
    const text =
      '#!/bin/bash\nif [[ -f x ]]; then echo "${A:-b}"; fi\nfor i in 1 2; do echo $i; done; echo same-line\n\n  cat <<EOF\nbody\nEOF\n';
    expect(await checkSyntax(text)).toEqual({ ok: true, statementLines: [2, 3, 5] });
  });

  it('rejects an unterminated if with the line of the if', async () => {
    const verdict = await checkSyntax('#!/bin/bash\necho ok\nif true; then\n  echo a\n');
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ line: 3 });
    expect(!verdict.ok && verdict.message).toMatch(/fi/);
    expect(verdict).toMatchObject({ kind: 'syntax' });
  });

  it('tells a malformed arithmetic expression from other syntax errors', async () => {
    const verdict = await checkSyntax('#!/bin/bash\necho $(( 1 + ))\n');
    expect(verdict).toMatchObject({ ok: false, kind: 'arithmetic', line: 2 });
  });

  it('rejects an unclosed quote and names its line', async () => {
    const verdict = await checkSyntax('echo one\necho "two\n');
    expect(verdict).toMatchObject({ ok: false, line: 2 });
  });

  it('says when mvdan/sh itself fails (nesting too deep) rather than reporting a syntax error', async () => {
    const verdict = await checkSyntax(`echo ${'$('.repeat(20_000)}x${')'.repeat(20_000)}\n`);
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ kind: 'parser-failure' });
    expect(!verdict.ok && verdict.message).toMatch(/^mvdan\/sh could not check it \(.+\): it is too large or nested too deeply/);
  });
});
