import { beforeAll, describe, expect, it } from 'vitest';
import type { CallExpr, Command, Stmt } from './ast.ts';
import { loadBashGrammar } from './grammar.ts';
import { parseScript } from './syntax-tree.ts';
import { checkSyntax } from './syntax.ts';

const call = (stmt: Stmt | undefined): CallExpr => {
  expect(stmt?.cmd?.type).toBe('Call');
  return stmt!.cmd as CallExpr;
};
const raws = (stmt: Stmt | undefined): string[] => call(stmt).args.map((word) => word.raw);

describe('checkSyntax (sh-syntax, bash dialect)', () => {
  it('accepts bash', async () => {
    expect(await checkSyntax('#!/bin/bash\nif [[ -f x ]]; then echo "${A:-b}"; fi\nfor i in 1 2; do echo $i; done\n')).toEqual({ ok: true });
  });

  it('rejects an unterminated if with the line of the if', async () => {
    const verdict = await checkSyntax('#!/bin/bash\necho ok\nif true; then\n  echo a\n');
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ line: 3 });
    expect(!verdict.ok && verdict.message).toMatch(/fi/);
  });

  it('rejects an unclosed quote and names its line', async () => {
    const verdict = await checkSyntax('echo one\necho "two\n');
    expect(verdict).toMatchObject({ ok: false, line: 2 });
  });
});

describe('parseScript', () => {
  beforeAll(loadBashGrammar);

  it('keeps lines, words and prefix assignments', () => {
    const { stmts } = parseScript('set -e\n\nFOO=bar BAZ="a b" cmd --flag "x y" \'z\'\n');
    expect(stmts).toHaveLength(2);
    const second = call(stmts[1]);
    expect(second.pos.line).toBe(3);
    expect(second.assigns.map((assign) => assign.name)).toEqual(['FOO', 'BAZ']);
    expect(raws(stmts[1])).toEqual(['cmd', '--flag', '"x y"', "'z'"]);
  });

  it('splits pipelines and and-or lists', () => {
    const { stmts } = parseScript('curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="server" sh -s - && echo ok || echo no\n');
    const top = stmts[0]!.cmd as Extract<Command, { type: 'Binary' }>;
    expect(top.type).toBe('Binary');
    expect(top.op).toBe('||');
    const left = top.x.cmd as Extract<Command, { type: 'Binary' }>;
    expect(left.op).toBe('&&');
    const pipeline = left.x.cmd as Extract<Command, { type: 'Pipeline' }>;
    expect(pipeline.type).toBe('Pipeline');
    expect(pipeline.stmts.map((stmt) => call(stmt).args[0]!.raw)).toEqual(['curl', 'sh']);
  });

  it('reads heredocs after the line that opens them, quoted or not', () => {
    const { stmts } = parseScript("cat <<EOF > /etc/x.yaml\nnode-ip: $IP\nEOF\ncat <<'RAW'\n$KEEP\nRAW\necho after\n");
    expect(stmts).toHaveLength(3);
    const first = stmts[0]!.redirs.find((redirect) => redirect.heredoc)!;
    expect(first.heredoc!.raw).toBe('node-ip: $IP\n');
    expect(first.heredoc!.parts.some((part) => part.type === 'ParamExp')).toBe(true);
    expect(stmts[0]!.redirs.find((redirect) => redirect.op === '>')!.target!.raw).toBe('/etc/x.yaml');
    const second = stmts[1]!.redirs[0]!.heredoc!;
    expect(second.quoted).toBe(true);
    expect(second.parts).toEqual([{ type: 'Lit', value: '$KEEP\n' }]);
    expect(raws(stmts[2])).toEqual(['echo', 'after']);
    expect(call(stmts[2]).pos.line).toBe(7);
  });

  it('strips leading tabs from <<- bodies', () => {
    const { stmts } = parseScript('cat <<-EOF\n\tone\n\tEOF\n');
    expect(stmts[0]!.redirs[0]!.heredoc!.raw).toBe('one\n');
  });

  it('parses compound commands: if/elif/else, while, for, case, functions, subshells, [[ ]]', () => {
    const text = [
      'if ! command -v docker >/dev/null; then',
      '  install_docker',
      'elif [[ -f /x ]]; then',
      '  echo b',
      'else',
      '  echo c',
      'fi',
      'while true; do break; done',
      'for x in a "b c"; do echo "$x"; done',
      'case "$1" in',
      '  a|b) echo ab ;;',
      '  *) echo other ;;',
      'esac',
      'setup() { echo inside; }',
      'function other { echo other; }',
      '( cd /tmp && ls )',
    ].join('\n');
    const types = parseScript(text).stmts.map((stmt) => stmt.cmd?.type);
    expect(types).toEqual(['If', 'While', 'For', 'Case', 'Func', 'Func', 'Subshell']);
    const ifClause = parseScript(text).stmts[0]!.cmd as Extract<Command, { type: 'If' }>;
    expect(ifClause.cond[0]!.negated).toBe(true);
    expect(ifClause.else![0]!.cmd!.type).toBe('If');
    const forClause = parseScript(text).stmts[2]!.cmd as Extract<Command, { type: 'For' }>;
    expect(forClause.items!.map((word) => word.raw)).toEqual(['a', '"b c"']);
    const caseClause = parseScript(text).stmts[3]!.cmd as Extract<Command, { type: 'Case' }>;
    expect(caseClause.items.map((item) => item.patterns.map((word) => word.raw))).toEqual([['a', 'b'], ['*']]);
  });

  it('parses expansions: ${X:-v}, $(…) with nested quotes, backticks, $((…))', () => {
    const { stmts } = parseScript('echo "${A:-def ault}" "$(dirname "$0")/x" `date` $((1+2)) ${#B} ${C%%.*}\n');
    const words = call(stmts[0]).args;
    const first = words[1]!.parts[0]!;
    expect(first.type).toBe('DblQuoted');
    const param = (first as Extract<typeof first, { type: 'DblQuoted' }>).parts[0]!;
    expect(param).toMatchObject({ type: 'ParamExp', name: 'A', op: ':-' });
    const subst = (words[2]!.parts[0] as Extract<typeof first, { type: 'DblQuoted' }>).parts[0]!;
    expect(subst.type).toBe('CmdSubst');
    expect(words[3]!.parts[0]!.type).toBe('CmdSubst');
    expect(words[4]!.parts[0]!.type).toBe('ArithmExp');
    expect(words[5]!.parts[0]).toMatchObject({ type: 'ParamExp', name: 'B', length: true });
    expect(words[6]!.parts[0]).toMatchObject({ type: 'ParamExp', name: 'C', op: '%%' });
  });

  it('treats # as a comment only at the start of a word', () => {
    const { stmts } = parseScript('echo a#b # comment\n# whole line\necho c\n');
    expect(raws(stmts[0])).toEqual(['echo', 'a#b']);
    expect(raws(stmts[1])).toEqual(['echo', 'c']);
  });

  it('joins continued lines', () => {
    const { stmts } = parseScript('curl -sfL \\\n  https://get.k3s.io \\\n  | sh -\necho next\n');
    expect(stmts).toHaveLength(2);
    expect(stmts[0]!.cmd!.type).toBe('Pipeline');
    expect(call(stmts[1]).pos.line).toBe(4);
  });
});
