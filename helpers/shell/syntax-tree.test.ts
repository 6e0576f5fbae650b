import { beforeAll, describe, expect, it } from 'vitest';
import type { CallExpr, Command, ShFile, Stmt, WordPart } from './ast.ts';
import { loadBashGrammar } from './grammar.ts';
import { parseScript } from './syntax-tree.ts';
import { checkSyntax } from './syntax.ts';

const call = (stmt: Stmt | undefined): CallExpr => {
  expect(stmt?.cmd?.type).toBe('Call');
  return stmt!.cmd as CallExpr;
};
const raws = (stmt: Stmt | undefined): string[] => call(stmt).args.map((word) => word.raw);
/** A statement as text: `cat<<` for a simple command with a heredoc, `(a | b)` for a pipeline, `(a && b)`… */
const shape = (stmt: Stmt): string => {
  const cmd = stmt.cmd;
  if (cmd?.type === 'Call') return [...cmd.args.map((word) => word.raw), ...stmt.redirs.map((redirect) => redirect.op)].join(' ');
  if (cmd?.type === 'Pipeline') return `(${cmd.stmts.map(shape).join(' | ')})`;
  if (cmd?.type === 'Binary') return `(${shape(cmd.x)} ${cmd.op} ${shape(cmd.y)})`;
  return cmd?.type ?? '?';
};
const shapes = (text: string): string[] => parseScript(text).stmts.map(shape);
const heredocOf = (stmt: Stmt | undefined) => stmt?.redirs.find((redirect) => redirect.heredoc)?.heredoc;
/** Parsed as analyze.ts does it, with the statement lines of sh-syntax. */
const analysed = async (text: string): Promise<ShFile> => {
  const verdict = await checkSyntax(text);
  expect(verdict.ok).toBe(true);
  return parseScript(text, 1, verdict.ok ? verdict.statementLines : []);
};
const params = (parts: WordPart[] | undefined): string[] => (parts ?? []).flatMap((part) => (part.type === 'ParamExp' ? [part.name] : []));

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

  it('loads the grammar once per process', () => {
    expect(loadBashGrammar()).toBe(loadBashGrammar());
  });

  it('numbers lines from firstLine and counts offsets in UTF-16, as JavaScript strings do', () => {
    const { stmts } = parseScript('echo "é😀" x\ncat y\n', 10);
    expect(raws(stmts[0])).toEqual(['echo', '"é😀"', 'x']);
    expect(stmts.map((stmt) => stmt.pos.line)).toEqual([10, 11]);
    expect(call(stmts[1]).args[0]!.pos.offset).toBe('echo "é😀" x\n'.length);
  });

  it("reads words: escapes, quotes side by side, $'…', declarations and their assignments", () => {
    const { stmts } = parseScript('echo a\\ b "x\\"y\\$z" \'it\'"\'"\'s\' $\'a\\tb\'\nexport A=1 B="$x" C\nlocal arr=(a "b c") n\n');
    const values = call(stmts[0]).args.map((word) =>
      word.parts
        .map((part) =>
          part.type === 'DblQuoted'
            ? part.parts.map((inner) => (inner.type === 'Lit' ? inner.value : '?')).join('')
            : 'value' in part
              ? part.value
              : '?',
        )
        .join(''),
    );
    expect(values).toEqual(['echo', 'a b', 'x"y$z', "it's", 'a\tb']);
    expect(raws(stmts[1])).toEqual(['export', 'A=1', 'B="$x"', 'C']);
    expect(call(stmts[1]).args[2]!.parts).toEqual([
      { type: 'Lit', value: 'B=' },
      { type: 'DblQuoted', parts: [{ type: 'ParamExp', name: 'x', length: false, raw: '$x' }] },
    ]);
    expect(call(stmts[2]).args.map((word) => word.parts.map((part) => (part.type === 'Lit' ? part.value : part.type)).join(''))).toEqual([
      'local',
      'arr=a DblQuoted',
      'n',
    ]);
  });

  it('keeps [ … ] a command (it guards installs) and [[ … ]] text', () => {
    const { stmts } = parseScript('[ ! -f "$x" ] && [[ -d /y ]]\n');
    const list = stmts[0]!.cmd as Extract<Command, { type: 'Binary' }>;
    expect(raws(list.x)).toEqual(['[', '!', '-f', '"$x"', ']']);
    expect(list.y.cmd).toEqual({ type: 'Test', raw: '[[ -d /y ]]' });
  });

  it('reads expansions in strings that the grammar starts at the blank before `$`', () => {
    const { stmts } = parseScript('echo "$1 $TOKEN ${X}"\n');
    const string = call(stmts[0]).args[1]!.parts[0]!;
    expect(string.type === 'DblQuoted' && string.parts).toEqual([
      { type: 'ParamExp', name: '1', length: false, raw: '$1' },
      { type: 'Lit', value: ' ' },
      { type: 'ParamExp', name: 'TOKEN', length: false, raw: '$TOKEN' },
      { type: 'Lit', value: ' ' },
      { type: 'ParamExp', name: 'X', length: false, raw: '${X}' },
    ]);
  });

  describe('repairs the gaps of tree-sitter-bash', () => {
    it('puts back a bare `-` dropped before a heredoc or an N> redirection', () => {
      const { stmts } = parseScript('kubectl apply -f - <<EOF\nkind: Namespace\nEOF\ntool - 2>/dev/null\n');
      expect(raws(stmts[0])).toEqual(['kubectl', 'apply', '-f', '-']);
      expect(heredocOf(stmts[0])!.raw).toBe('kind: Namespace\n');
      expect(raws(stmts[1])).toEqual(['tool', '-']);
    });

    it("gives the words after a redirection's target back to the command (tree-sitter-bash#233)", () => {
      const { stmts } = parseScript('grep 2>/dev/null -q "x" /etc/shells\n');
      expect(raws(stmts[0])).toEqual(['grep', '-q', '"x"', '/etc/shells']);
      expect(stmts[0]!.redirs).toMatchObject([{ op: '>', fd: '2', target: { raw: '/dev/null' } }]);
    });

    it('splits at the operators the grammar misplaces after a heredoc (tree-sitter-bash#346)', async () => {
      expect(shapes("cat <<'EOF' > /etc/x; echo done\nbody\nEOF\n")).toEqual(['cat << >', 'echo done']);
      expect(shapes('cat <<EOF 2>&1 | tail -5\nx\nEOF\n')).toEqual(['(cat << >& | tail -5)']);
      // `<<EOF;` also hides the end of the body: the statement after it needs the per-statement parse.
      const glued = await analysed('cat <<EOF; echo a; echo b\nbody $1\nEOF\necho after\n');
      expect(glued.stmts.map(shape)).toEqual(['cat <<', 'echo a', 'echo b', 'echo after']);
      expect(heredocOf(glued.stmts[0])!.raw).toBe('body $1\n');
    });

    it('keeps bash precedence for the commands after a heredoc: | before && and ||', () => {
      expect(shapes('cat <<EOF | tee f && echo ok || echo no\nz\nEOF\n')).toEqual(['(((cat << | tee f) && echo ok) || echo no)']);
    });

    it('reads a heredoc body whose first line starts with a backslash', () => {
      const { stmts } = parseScript('cat <<E\n\\$x $1\n$HOME\nE\necho after\n');
      const heredoc = heredocOf(stmts[0])!;
      expect(heredoc.raw).toBe('\\$x $1\n$HOME\n');
      expect(heredoc.parts).toEqual([
        { type: 'Lit', value: '$x ' },
        { type: 'ParamExp', name: '1', length: false, raw: '$1' },
        { type: 'Lit', value: '\n' },
        { type: 'ParamExp', name: 'HOME', length: false, raw: '$HOME' },
        { type: 'Lit', value: '\n' },
      ]);
      expect(raws(stmts[1])).toEqual(['echo', 'after']);
    });

    it('finds $1, $@ … that the grammar misses inside a heredoc line, escaped ones left literal', () => {
      const heredoc = heredocOf(parseScript('cat > /etc/k3s.yaml <<EOF\nserver: https://$1:6443 $@ \\$2 \\\\$3\nEOF\n').stmts[0])!;
      expect(params(heredoc.parts)).toEqual(['1', '@', '3']);
      expect(heredoc.parts.at(-1)).toEqual({ type: 'Lit', value: '\n' });
      expect(heredoc.parts).toContainEqual({ type: 'Lit', value: ' $2 \\' });
    });

    it('reads `<<<` after a redirection (tree-sitter-bash#282)', () => {
      expect(parseScript('rev > out <<< hello\n').stmts[0]!.redirs.map((redirect) => [redirect.op, redirect.target?.raw])).toEqual([
        ['>', 'out'],
        ['<<<', 'hello'],
      ]);
    });

    it('splits backtick substitutions the grammar merges (`a` `b`)', () => {
      const word = call(parseScript('echo `hostname` `date +%s`\n').stmts[0]).args[1]!;
      const substs = word.parts.flatMap((part) => (part.type === 'CmdSubst' ? [part] : []));
      expect(substs.map((part) => part.raw)).toEqual(['`hostname`', '`date +%s`']);
      expect(substs.map((part) => raws(part.stmts[0]))).toEqual([['hostname'], ['date', '+%s']]);
    });

    it('parses one top-level statement at a time after an error, so that it loses only that statement', async () => {
      const text = '#!/bin/bash\ncase $x in (a|b) y;; *) z;& esac\necho after\ncurl -sfL https://get.k3s.io | sh -\n';
      expect(parseScript(text).stmts.map(shape)).not.toContain('echo after');
      const { stmts } = await analysed(text);
      expect(stmts.map(shape).slice(-2)).toEqual(['echo after', '(curl -sfL https://get.k3s.io | sh -)']);
      expect(stmts.map((stmt) => stmt.pos.line).slice(-2)).toEqual([3, 4]);
    });
  });

  describe('terminates on any input', () => {
    it('skips ERROR nodes and keeps the statements around them', () => {
      expect(shapes('echo a\nif then fi fi\necho b\n')).toEqual(['echo a', 'then fi fi', 'echo b']);
      expect(shapes('echo a )\n')).toContain('echo a');
    });

    it('bounds nesting: a deep script gives a partial tree marked incomplete', () => {
      const deep = parseScript(`echo ${'$('.repeat(5000)}x${')'.repeat(5000)}\n`);
      expect(raws(deep.stmts[0])[0]).toBe('echo');
      expect(deep.incomplete).toMatch(/nests deeper than 400 levels/);
      const chain = parseScript(`a${' && a'.repeat(5000)}\n`);
      expect(chain.stmts).toHaveLength(1);
      expect(chain.incomplete).toBeDefined();
    });

    it('bounds size: past the node budget the rest is left out', () => {
      const big = parseScript('a;'.repeat(160_000));
      expect(big.stmts).toEqual([]);
      expect(big.incomplete).toMatch(/over 300000 syntax nodes/);
    });
  });
});
