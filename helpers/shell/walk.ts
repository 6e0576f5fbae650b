// Walks a script's syntax tree as the shell would run it, statically: assignments bind
// variables (and arrays) in order, a `for` loop over constant words or an array's elements runs
// once per word, functions run where they are called, `eval` of a known string runs it, a script
// handed to a shell (`sh -c STRING`, `su USER -c STRING`, `bash <<EOF`, `cat <<EOF | sudo bash` …)
// runs in place, both branches of an `if` are taken. It records every command with its words resolved, the files
// written, the downloads and the calls of other scripts of the part.
import { posix } from 'node:path';
import type { CallExpr, Command, ShWord, Stmt } from './ast.ts';
import { arrayBinding, elementsOf, expandFields, expandText, expandWord, Scope, type Binding, type Expander } from './expand.ts';
import { baseName, effective, scriptRunOf, unwrapArgv, type ShellRun } from './invocation.ts';
import type { Download, ScriptCall, ScriptFacts, ShellCommand, Word } from './model.ts';
import { parseScript } from './syntax-tree.ts';
import type { Location } from '../target/location.ts';

/** Files of the part, as a script names them (/vagrant/…, relative, $(dirname "$0")/…). */
export interface PartFiles {
  /** The file of the part a path names, relative to the target root; undefined when it is not one. */
  resolve(path: string): string | undefined;
  /**
   * The file a `source`/`.` names: a file of the part, else any file inside the repository (a
   * shared settings file); undefined when it is none. The file is read, never run.
   */
  resolveSourced?(path: string): string | undefined;
  read(path: string): string | undefined;
}

export type WrittenFile = ScriptFacts['writtenFiles'][number];

export interface WalkResult {
  commands: ShellCommand[];
  writtenFiles: WrittenFile[];
  downloads: Download[];
  callSites: ScriptCall[];
}

const MAX_COMMANDS = 5000;
/** Statements visited, whatever they record: bounds nested loops and recursion. */
const MAX_STEPS = 50_000;
const MAX_DEPTH = 12;
const MAX_LOOP = 64;
/** A script handed to a shell longer than this is not walked (an expansion may blow a text up). */
const MAX_INLINE_SCRIPT = 200_000;
const DECLARATIONS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);
const WRITE_OPS = new Set(['>', '>>', '>|', '&>', '&>>']);
const KNOWN_DIRS = ['/etc/rancher/k3s', '/etc/rancher/k3s/config.yaml.d', '/etc/systemd/system', '/usr/local/bin', '/usr/bin'];

interface Guard {
  text: string;
  negated: boolean;
}

export class Walker {
  private readonly file: string;
  private readonly files: PartFiles;
  private readonly lineOf: (line: number) => number | undefined;
  private readonly commands: ShellCommand[] = [];
  private readonly downloads: Download[] = [];
  private readonly callSites: ScriptCall[] = [];
  private readonly functions = new Map<string, Stmt>();
  private readonly dirs = new Set(KNOWN_DIRS);
  private readonly copies = new Map<ShellCommand, WrittenFile[]>();
  /** Guest paths a file of the part was copied or moved to (`cp /tmp/x.sh /tmp/run.sh`): running or sourcing one runs that file. */
  private readonly copiedFiles = new Map<string, string>();
  private readonly appending = new Set<ShellCommand>();
  /** The heredoc or here-string a command reads, as a word (its unresolved placeholders named), and the line its text starts at. */
  private readonly stdinTexts = new WeakMap<ShellCommand, { word: Word; line: number }>();
  /** The file a command reads on stdin (`bash -s < setup.sh`). */
  private readonly stdinFiles = new WeakMap<ShellCommand, Word>();
  private depth = 0;
  private steps = 0;
  /** While false (a sourced file read for its variables), commands are not recorded. */
  private recording = true;

  constructor(options: { file: string; files: PartFiles; lineOf?: (line: number) => number | undefined }) {
    this.file = options.file;
    this.files = options.files;
    this.lineOf = options.lineOf ?? ((line) => line);
  }

  run(stmts: Stmt[], scope: Scope): WalkResult {
    this.walk(stmts, scope, undefined);
    return { commands: this.commands, writtenFiles: this.collectWrites(), downloads: this.downloads, callSites: this.callSites };
  }

  private location(line: number): Location {
    const mapped = this.lineOf(line);
    return mapped === undefined ? { file: this.file } : { file: this.file, line: mapped };
  }

  private expander(scope: Scope): Expander {
    return {
      scope,
      onSubst: (stmts) => this.nested(() => this.walk(stmts, scope.clone(), undefined)),
      evaluateSubst: (stmts) => evaluateSubst(stmts, scope),
    };
  }

  private nested(run: () => void): void {
    if (this.depth >= MAX_DEPTH) return;
    this.depth++;
    try {
      run();
    } finally {
      this.depth--;
    }
  }

  /** Walks statements; returns the last command run (for guards). */
  private walk(stmts: Stmt[], scope: Scope, guard: string | undefined): { command?: ShellCommand; stmt?: Stmt } {
    let last: { command?: ShellCommand; stmt?: Stmt } = {};
    for (const stmt of stmts) last = { command: this.statement(stmt, scope, guard), stmt };
    return last;
  }

  /** `input`: the command whose output a simple command of a pipeline reads. */
  private statement(stmt: Stmt, scope: Scope, guard: string | undefined, input?: ShellCommand): ShellCommand | undefined {
    if (!stmt.cmd || this.commands.length >= MAX_COMMANDS || ++this.steps > MAX_STEPS) return undefined;
    if (stmt.background) {
      const from = this.commands.length;
      const last = this.statement({ ...stmt, background: false }, scope, guard, input);
      for (const command of this.commands.slice(from)) command.background = true;
      return last;
    }
    const cmd: Command = stmt.cmd;
    switch (cmd.type) {
      case 'Call':
        return this.call(stmt, cmd, scope, guard, input);
      case 'Pipeline': {
        let previous: ShellCommand | undefined;
        for (const part of cmd.stmts) {
          const command = this.statement(part, scope, guard, previous);
          if (command && previous) command.pipedFrom = previous;
          previous = command;
        }
        return previous;
      }
      case 'Binary': {
        const left = this.statement(cmd.x, scope, guard);
        const found = guardOf(cmd.x, left);
        const applies = found && (cmd.op === '||' ? !found.negated : found.negated);
        this.statement(cmd.y, scope, applies ? found.text : guard);
        return undefined;
      }
      case 'If': {
        const last = this.walk(cmd.cond, scope, guard);
        const found = last.stmt ? guardOf(last.stmt, last.command) : undefined;
        this.walk(cmd.then, scope, found?.negated ? found.text : guard);
        if (cmd.else) this.walk(cmd.else, scope, found && !found.negated ? found.text : guard);
        return undefined;
      }
      case 'While':
        this.walk(cmd.cond, scope, guard);
        this.walk(cmd.body, scope, guard);
        return undefined;
      case 'For':
        this.forLoop(cmd, scope, guard);
        return undefined;
      case 'Case':
        expandWord(cmd.word, this.expander(scope));
        for (const item of cmd.items) this.walk(item.body, scope, guard);
        return undefined;
      case 'Block':
        return this.walk(cmd.stmts, scope, guard).command;
      case 'Subshell':
        return this.walk(cmd.stmts, scope.clone(), guard).command;
      case 'Func':
        this.functions.set(cmd.name, cmd.body);
        return undefined;
      default:
        return undefined;
    }
  }

  private forLoop(cmd: Extract<Command, { type: 'For' }>, scope: Scope, guard: string | undefined): void {
    if (cmd.cStyle || !cmd.name) {
      this.walk(cmd.body, scope, guard);
      return;
    }
    const expander = this.expander(scope);
    const items: Binding[] = cmd.items
      ? cmd.items.flatMap((word) => expandFields(word, expander)).map((word) => ({ value: word.value, unresolved: word.unresolved }))
      : (scope.args ?? [{ value: '$@', unresolved: ['$@'] }]);
    for (const item of items.slice(0, MAX_LOOP)) {
      scope.set(cmd.name, item);
      this.walk(cmd.body, scope, guard);
    }
  }

  private call(
    stmt: Stmt,
    call: CallExpr,
    scope: Scope,
    guard: string | undefined,
    input: ShellCommand | undefined,
  ): ShellCommand | undefined {
    const expander = this.expander(scope);
    if (call.args.length === 0) {
      for (const assign of call.assigns) scope.set(assign.name, assignedValue(assign, expander, scope), scope.exported.has(assign.name));
      return undefined;
    }
    const env: Record<string, Word> = {};
    for (const assign of call.assigns) env[assign.name] = toWord(assignedValue(assign, expander, scope), assign.value?.raw ?? '');
    const argv = call.args.flatMap((word) => expandFields(word, expander));
    const head = literal(call.args[0]!);
    if (head !== undefined && DECLARATIONS.has(head)) {
      // The words were expanded above, running their command substitutions once; this pass only binds.
      this.declaration(head, call.args.slice(1), { scope, evaluateSubst: (stmts) => evaluateSubst(stmts, scope) }, scope);
    }
    const command: ShellCommand = { env, argv, location: this.location(call.pos.line) };
    if (guard) command.guardedBy = guard;
    if (input) command.pipedFrom = input;
    const inherited = scope.exportedBindings();
    if (Object.keys(inherited).length)
      command.inheritedEnv = Object.fromEntries(Object.entries(inherited).map(([name, binding]) => [name, toWord(binding, `$${name}`)]));
    for (const redirect of stmt.redirs) {
      if (redirect.heredoc) {
        const word = expandText(redirect.heredoc.parts, redirect.heredoc.raw, expander);
        const line = redirect.heredoc.line ?? redirect.pos.line + 1;
        command.heredoc = word.value;
        const at = this.lineOf(line);
        if (at !== undefined) command.heredocLine = at;
        this.stdinTexts.set(command, { word, line });
      } else if (redirect.op === '<<<' && redirect.target) {
        const word = expandWord(redirect.target, expander);
        command.heredoc = `${word.value}\n`;
        const at = this.lineOf(redirect.pos.line);
        if (at !== undefined) command.heredocLine = at;
        this.stdinTexts.set(command, { word: { ...word, value: command.heredoc }, line: redirect.pos.line });
      } else if (redirect.op === '<' && (!redirect.fd || redirect.fd === '0') && redirect.target) {
        this.stdinFiles.set(command, expandWord(redirect.target, expander));
      } else if (WRITE_OPS.has(redirect.op) && (!redirect.fd || redirect.fd === '1') && redirect.target) {
        const target = expandWord(redirect.target, expander).value;
        if (!/^\/dev\/(null|std(out|err)|fd\/)/.test(target)) {
          command.writesTo = target;
          if (redirect.op.endsWith('>>')) this.appending.add(command);
        }
      }
    }
    if (this.recording) this.commands.push(command);
    this.effects(command, call, scope);
    return command;
  }

  /** `export X=v`, `declare -x X=v`, `local X=v`, `local -a A=(x y)`, `declare -A M`, `export X`. */
  private declaration(builtin: string, words: ShWord[], expander: Expander, scope: Scope): void {
    let exported = builtin === 'export';
    let array = false;
    let associative = false;
    for (const word of words) {
      const text = literal(word);
      if (text && /^[-+][a-zA-Z]+$/.test(text)) {
        if (text.startsWith('-') && text.includes('x')) exported = true;
        if (text.startsWith('-') && text.includes('a')) array = true;
        if (text.startsWith('-') && text.includes('A')) associative = true;
        continue;
      }
      const assignment = splitAssignment(word);
      if (assignment && word.array) {
        scope.set(assignment.name, arrayBinding(arrayElements(word.array, expander, associative), associative), exported);
      } else if (assignment) {
        const value = expandWord(assignment.value, expander);
        scope.set(assignment.name, { value: value.value, unresolved: value.unresolved }, exported);
      } else if (text && /^[A-Za-z_]\w*$/.test(text)) {
        if (exported) scope.exported.add(text);
        if ((array || associative) && !scope.vars.has(text)) scope.set(text, arrayBinding(new Map(), associative), exported);
      }
    }
  }

  private effects(command: ShellCommand, call: CallExpr, scope: Scope): void {
    const invocation = effective(command);
    const { argv, name } = invocation;
    const run = scriptRunOf(invocation);
    if (run) {
      this.shellRun(run, command, call, scope);
      return;
    }
    if (!argv.length) return;
    const args = argv.slice(1);
    switch (name) {
      case 'unset':
        for (const word of args)
          if (!word.value.startsWith('-')) {
            scope.vars.delete(word.value);
            scope.exported.delete(word.value);
          }
        return;
      case 'shift':
        scope.args = scope.args?.slice(Number(args[0]?.value ?? 1) || 1);
        return;
      case 'set': {
        const dashes = args.findIndex((word) => word.value === '--');
        if (dashes >= 0) scope.args = args.slice(dashes + 1).map(toBinding);
        return;
      }
      case 'source':
      case '.':
        if (args[0]) this.callScript(args[0], args.slice(1), true, command, scope);
        return;
      case 'mkdir':
        for (const word of args) if (!word.value.startsWith('-')) this.dirs.add(posix.normalize(word.value));
        return;
      case 'cp':
      case 'install':
      case 'mv':
        this.copy(name, args, command);
        return;
      case 'curl':
      case 'wget':
        this.download(name, args, command);
        return;
    }
    if (name === 'eval') {
      // eval runs its words, joined, as a script in the same shell: walked like an `sh -c` string, in this scope.
      // Values still unknown stay unknown in the string run (`eval $1` with $1 = "k3s server --node-ip $(…)").
      const word = joinWords(args);
      if (!word.value.trim() || word.value.length > MAX_INLINE_SCRIPT || word.unresolved.includes(word.value.trim())) return;
      const inner = parseScript(inlineSource(word, scope), call.pos.line);
      this.nested(() => this.walk(inner.stmts, scope, command.guardedBy));
      return;
    }
    const body = this.functions.get(name);
    if (body && argv[0]!.value === name) {
      const saved = scope.args;
      scope.args = args.map(toBinding);
      this.nested(() => this.statement(body, scope, command.guardedBy));
      scope.args = saved;
      return;
    }
    if (argv[0]!.value.includes('/')) this.callScript(argv[0]!, args, false, command, scope);
  }

  /**
   * A shell run on a script: a `-c` string or what it reads on stdin (a heredoc, a here-string,
   * `cat <<EOF |`, `echo … |`) is walked in place, in a copy of the scope, with its own positional
   * parameters; a script file of the part is a call.
   */
  private shellRun(run: ShellRun, command: ShellCommand, call: CallExpr, scope: Scope): void {
    const file = run.stdin ? this.stdinFiles.get(command) : undefined;
    if (run.script || file) {
      this.callScript((run.script ?? file)!, run.args, false, command, scope);
      return;
    }
    const text = run.commandString ? { word: run.commandString, line: call.pos.line } : run.stdin ? this.stdinOf(command) : undefined;
    if (!text) return;
    const { word, line } = text;
    // `sh -c "$CMD"` with CMD unknown runs nothing the grader can see.
    if (!word.value.trim() || word.value.length > MAX_INLINE_SCRIPT || word.unresolved.includes(word.value.trim())) return;
    const child = scope.clone();
    child.args = (run.commandString ? run.args.slice(1) : run.args).map(toBinding);
    const inner = parseScript(inlineSource(word, child), line);
    this.nested(() => this.walk(inner.stmts, child, command.guardedBy));
  }

  /** What a command reads on stdin, when it is known: its heredoc or here-string, or the output of `cat <<EOF`, echo or printf piped into it. */
  private stdinOf(command: ShellCommand): { word: Word; line: number } | undefined {
    const own = this.stdinTexts.get(command);
    if (own) return own;
    const from = command.pipedFrom;
    if (!from) return undefined;
    const { argv, name } = effective(from);
    const fed = this.stdinTexts.get(from);
    if ((name === 'cat' || name === 'tee') && fed && argv.slice(1).every((word) => word.value.startsWith('-'))) return fed;
    if (name !== 'echo' && name !== 'printf') return undefined;
    const value = outputOf(from, this.files);
    if (value === undefined) return undefined;
    return { word: { value, raw: value, unresolved: argv.flatMap((word) => word.unresolved) }, line: from.location.line ?? 1 };
  }

  private callScript(target: Word, args: Word[], sourced: boolean, command: ShellCommand, scope: Scope): void {
    if (target.unresolved.length) return;
    const path = this.partFileAt(target.value);
    if (!path) {
      // A file outside the part is read for its variables only: it is no script of the part.
      const shared = sourced ? this.files.resolveSourced?.(target.value) : undefined;
      if (shared) this.source(shared, scope);
      return;
    }
    const vars: Record<string, string> = {};
    // What the called script sees: the exported variables (every one, when sourced), then what the command line gives it (`X=v ./s.sh`, `sudo X=v …`).
    const given = effective(command).env;
    const bindings: Record<string, Binding> = sourced
      ? { ...Object.fromEntries(scope.vars), ...scope.exportedBindings(), ...given }
      : { ...scope.exportedBindings(), ...given };
    for (const [name, binding] of Object.entries(bindings)) if (!binding.unresolved.length) vars[name] = binding.value;
    if (this.recording) this.callSites.push({ path, args, sourced, vars, location: command.location });
    if (sourced) this.source(path, scope);
  }

  /** A sourced script's assignments and functions become the caller's. */
  private source(path: string, scope: Scope): void {
    const text = this.files.read(path);
    if (text === undefined) return;
    const recording = this.recording;
    this.recording = false;
    this.nested(() => this.walk(parseScript(text).stmts, scope, undefined));
    this.recording = recording;
  }

  private copy(name: string, args: Word[], command: ShellCommand): void {
    const operands: Word[] = [];
    let targetDir: string | undefined;
    const valued =
      name === 'install'
        ? new Set(['-m', '-o', '-g', '-t', '-S', '--mode', '--owner', '--group', '--target-directory'])
        : name === 'mv'
          ? new Set(['-t', '--target-directory', '-S', '--suffix'])
          : new Set(['-t', '--target-directory']);
    for (let i = 0; i < args.length; i++) {
      const value = args[i]!.value;
      if (value === '-d' && name === 'install') return;
      if (value.startsWith('-') && value !== '-') {
        const eq = value.indexOf('=');
        const flag = eq > 0 ? value.slice(0, eq) : value;
        const flagValue = eq > 0 ? value.slice(eq + 1) : valued.has(flag) ? args[++i]?.value : undefined;
        if (flag === '-t' || flag === '--target-directory') targetDir = flagValue;
        continue;
      }
      operands.push(args[i]!);
    }
    const dest = targetDir ?? operands.pop()?.value;
    if (!dest || !operands.length) return;
    const intoDir = targetDir !== undefined || dest.endsWith('/') || operands.length > 1 || this.dirs.has(posix.normalize(dest));
    for (const source of operands) {
      if (source.unresolved.length) continue;
      const from = this.partFileAt(source.value);
      if (!from) continue;
      const path = intoDir ? posix.join(dest, baseName(source.value)) : dest;
      this.copiedFiles.set(posix.normalize(path), from);
      // A move is followed as a run of the file it moves; as a write (a K3s config put in place) only a copy counts.
      const content = name === 'mv' ? undefined : this.files.read(from);
      if (content === undefined) continue;
      this.copies.set(command, [
        ...(this.copies.get(command) ?? []),
        { path: posix.normalize(path), content, location: command.location, from },
      ]);
    }
  }

  /** The file of the part a path names: one the script copied or moved there, else as PartFiles resolves it. */
  private partFileAt(path: string): string | undefined {
    return this.copiedFiles.get(posix.normalize(path)) ?? this.files.resolve(path);
  }

  private download(name: string, args: Word[], command: ShellCommand): void {
    const urls: Word[] = [];
    let output: string | undefined;
    let remoteName = false;
    let directory: string | undefined;
    const curlValued = new Set([
      '-o',
      '--output',
      '-H',
      '--header',
      '-d',
      '--data',
      '--data-raw',
      '--data-binary',
      '-u',
      '--user',
      '-A',
      '--user-agent',
      '-e',
      '--referer',
      '-X',
      '--request',
      '-w',
      '--write-out',
      '--retry',
      '--retry-delay',
      '--retry-max-time',
      '-m',
      '--max-time',
      '--connect-timeout',
      '-T',
      '--upload-file',
      '-x',
      '--proxy',
      '-b',
      '--cookie',
      '-c',
      '--cookie-jar',
      '-F',
      '--form',
      '-K',
      '--config',
      '-r',
      '--range',
      '-C',
      '--continue-at',
      '--cacert',
      '--cert',
      '--key',
      '-E',
      '--resolve',
      '--proto',
      '--proto-redir',
      '--url',
      '--output-dir',
      '-z',
      '--time-cond',
      '--limit-rate',
      '-Y',
      '-y',
    ]);
    const wgetValued = new Set([
      '-O',
      '--output-document',
      '-P',
      '--directory-prefix',
      '-o',
      '--output-file',
      '-a',
      '--append-output',
      '-t',
      '--tries',
      '-T',
      '--timeout',
      '-U',
      '--user-agent',
      '--header',
      '-e',
      '--execute',
      '-i',
      '--input-file',
      '--user',
      '--password',
      '-w',
      '--wait',
    ]);
    const valued = name === 'curl' ? curlValued : wgetValued;
    const outputFlag = name === 'curl' ? 'o' : 'O';
    for (let i = 0; i < args.length; i++) {
      const word = args[i]!;
      const value = word.value;
      if (value.startsWith('--')) {
        const eq = value.indexOf('=');
        const flag = eq > 0 ? value.slice(0, eq) : value;
        const flagValue = eq > 0 ? value.slice(eq + 1) : valued.has(flag) ? args[++i]?.value : undefined;
        if (flag === '--output' || flag === '--output-document') output = flagValue;
        else if (flag === '--remote-name') remoteName = true;
        else if (flag === '--directory-prefix' || flag === '--output-dir') directory = flagValue;
        else if (flag === '--url' && args[i]) urls.push(eq > 0 ? { ...word, value: flagValue ?? '' } : args[i]!);
        continue;
      }
      if (value.startsWith('-') && value.length > 1) {
        for (let k = 1; k < value.length; k++) {
          const letter = value[k]!;
          if (name === 'curl' && letter === 'O') remoteName = true;
          if (valued.has(`-${letter}`)) {
            const rest = value.slice(k + 1);
            const flagValue = rest || args[++i]?.value;
            if (letter === outputFlag) output = flagValue;
            if (letter === 'P' && name === 'wget') directory = flagValue;
            break;
          }
        }
        continue;
      }
      urls.push(word);
    }
    for (const url of urls) {
      if (!/^[a-z]+:\/\//i.test(url.value) && !/^[\w.-]+\.[a-z]{2,}\//i.test(url.value)) continue;
      let to: string | undefined = output;
      if (to === undefined && (remoteName || name === 'wget')) to = baseName(url.value.replace(/[?#].*$/, ''));
      if (to !== undefined && directory && to !== '-') to = posix.join(directory, to);
      if (to === undefined) to = command.writesTo ?? '-';
      this.downloads.push({ url, to, location: command.location });
    }
  }

  /** Files written through redirections and tee, with the content when it is known, then copies. */
  private collectWrites(): WrittenFile[] {
    const written = new Map<string, WrittenFile>();
    const record = (path: string, content: string | undefined, command: ShellCommand, append: boolean): void => {
      if (content === undefined) return;
      const key = posix.normalize(path);
      const previous = written.get(key);
      if (append && previous) previous.content += content;
      else written.set(key, { path: key, content, location: command.location });
    };
    for (const command of this.commands) {
      for (const copy of this.copies.get(command) ?? []) written.set(copy.path, copy);
      if (command.writesTo) record(command.writesTo, outputOf(command, this.files), command, this.appending.has(command));
      const { argv, name } = effective(command);
      if (name === 'tee') {
        const append = argv.some((word) => /^-[a-z]*a/.test(word.value) || word.value === '--append');
        const input = command.heredoc ?? (command.pipedFrom ? outputOf(command.pipedFrom, this.files) : undefined);
        for (const word of argv.slice(1))
          if (!word.value.startsWith('-') && !/^\/dev\//.test(word.value)) record(word.value, input, command, append);
      }
    }
    return [...written.values()];
  }
}

/** What a command prints, when it is known: cat of a heredoc or a file of the part, echo, printf. */
export function outputOf(command: ShellCommand, files: PartFiles): string | undefined {
  const { argv, name } = effective(command);
  const args = argv.slice(1);
  switch (name) {
    case 'cat': {
      const paths = args.filter((word) => !word.value.startsWith('-') || word.value === '-');
      if (!paths.length || paths.every((word) => word.value === '-'))
        return command.heredoc ?? (command.pipedFrom ? outputOf(command.pipedFrom, files) : undefined);
      let text = '';
      for (const word of paths) {
        const path = word.unresolved.length ? undefined : files.resolve(word.value);
        const content = path ? files.read(path) : undefined;
        if (content === undefined) return undefined;
        text += content;
      }
      return text;
    }
    case 'tee':
      return command.heredoc ?? (command.pipedFrom ? outputOf(command.pipedFrom, files) : undefined);
    case 'echo': {
      let newline = true;
      let escapes = false;
      let i = 0;
      for (; i < args.length && /^-[neE]+$/.test(args[i]!.value); i++) {
        if (args[i]!.value.includes('n')) newline = false;
        if (args[i]!.value.includes('e')) escapes = true;
      }
      const text = args
        .slice(i)
        .map((word) => word.value)
        .join(' ');
      return (escapes ? unescape(text) : text) + (newline ? '\n' : '');
    }
    case 'printf': {
      let i = 0;
      if (args[0]?.value === '-v') return undefined;
      if (args[0]?.value === '--') i++;
      const format = args[i]?.value;
      if (format === undefined) return undefined;
      const values = args.slice(i + 1).map((word) => word.value);
      let out = '';
      let k = 0;
      do {
        out += unescape(format).replace(/%[-+ #0]*\d*(?:\.\d+)?([sdbqi%])/g, (_, conversion: string) =>
          conversion === '%' ? '%' : (values[k++] ?? ''),
        );
      } while (k < values.length && /%[-+ #0]*\d*(?:\.\d+)?[sdbqi]/.test(format));
      return out;
    }
  }
  return undefined;
}

function unescape(text: string): string {
  return text.replace(/\\([ntr\\])/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\' })[c]!);
}

/** `dirname "$0"`, `cd "$(dirname "$0")" && pwd`, `realpath X`, `echo X`: values known without running anything. */
function evaluateSubst(stmts: Stmt[], scope: Scope): Binding | undefined {
  const quiet: Expander = { scope: scope.clone(), evaluateSubst: (inner) => evaluateSubst(inner, scope) };
  const argvOf = (stmt: Stmt | undefined): Word[] | undefined =>
    stmt?.cmd?.type === 'Call' && !stmt.cmd.assigns.length
      ? unwrapArgv(stmt.cmd.args.flatMap((word) => expandFields(word, quiet))).argv
      : undefined;
  const single = (argv: Word[] | undefined): Binding | undefined => {
    if (!argv?.length) return undefined;
    const name = baseName(argv[0]!.value);
    const operands = argv.slice(1).filter((word) => !word.value.startsWith('-'));
    const first = operands[0];
    if (!first || first.unresolved.length) return undefined;
    if (name === 'dirname') return { value: posix.dirname(first.value), unresolved: [] };
    if (name === 'basename') return { value: baseName(first.value), unresolved: [] };
    if (name === 'realpath' || (name === 'readlink' && argv.some((word) => /^-[a-z]*[fem]/.test(word.value))))
      return { value: posix.normalize(first.value), unresolved: [] };
    if (name === 'echo') return { value: operands.map((word) => word.value).join(' '), unresolved: [] };
    return undefined;
  };
  if (stmts.length === 1) {
    const stmt = stmts[0]!;
    if (stmt.cmd?.type === 'Binary' && stmt.cmd.op === '&&') return cdThenPwd(argvOf(stmt.cmd.x), argvOf(stmt.cmd.y));
    return single(argvOf(stmt));
  }
  if (stmts.length === 2) return cdThenPwd(argvOf(stmts[0]), argvOf(stmts[1]));
  return undefined;
}

function cdThenPwd(cd: Word[] | undefined, pwd: Word[] | undefined): Binding | undefined {
  if (!cd || !pwd || cd[0]?.value !== 'cd' || pwd[0]?.value !== 'pwd') return undefined;
  const dir = cd.slice(1).find((word) => !word.value.startsWith('-'));
  if (!dir || dir.unresolved.length) return undefined;
  return { value: posix.normalize(dir.value), unresolved: [] };
}

function guardOf(stmt: Stmt, command: ShellCommand | undefined): Guard | undefined {
  if (stmt.cmd?.type === 'Test') {
    if (!/-[xfe]\s|command\s+-v|which\s/.test(stmt.cmd.raw)) return undefined;
    return { text: stmt.cmd.raw, negated: stmt.negated !== /^\[\[\s*!/.test(stmt.cmd.raw) };
  }
  if (!command) return undefined;
  const words = command.argv.map((word) => word.value);
  const name = baseName(words[0] ?? '');
  const operands = words.slice(1).filter((word) => !word.startsWith('-'));
  if (name === 'command' && /^-[vV]$/.test(words[1] ?? '') && words[2]) return { text: `command -v ${words[2]}`, negated: stmt.negated };
  if ((name === 'which' || name === 'type' || name === 'hash') && operands[0])
    return { text: `${name} ${operands[0]}`, negated: stmt.negated };
  if (name === 'test' || name === '[') {
    const flag = words.findIndex((word) => /^-[xfe]$/.test(word));
    if (flag < 0 || !words[flag + 1]) return undefined;
    const negated = words.includes('!');
    return { text: words.join(' '), negated: stmt.negated !== negated };
  }
  return undefined;
}

function literal(word: ShWord): string | undefined {
  return word.parts.every((part) => part.type === 'Lit') ? word.parts.map((part) => (part as { value: string }).value).join('') : undefined;
}

/** `NAME=value` written as one word (an argument of export/declare). */
function splitAssignment(word: ShWord): { name: string; value: ShWord } | undefined {
  const first = word.parts[0];
  if (first?.type !== 'Lit') return undefined;
  const match = /^([A-Za-z_]\w*)(\[[^\]]*\])?\+?=/.exec(first.value);
  if (!match) return undefined;
  const rest = first.value.slice(match[0].length);
  const parts = [...(rest ? [{ type: 'Lit' as const, value: rest }] : []), ...word.parts.slice(1)];
  return { name: match[1]!, value: { parts, raw: word.raw.slice(word.raw.indexOf('=') + 1), pos: word.pos } };
}

function assignedValue(
  assign: { name: string; append: boolean; value?: ShWord; array?: ShWord[] },
  expander: Expander,
  scope: Scope,
): Binding {
  let binding: Binding;
  if (assign.array) {
    const previous = assign.append ? scope.lookup(assign.name) : undefined;
    const kept = previous ? elementsOf(previous) : [];
    const associative = previous?.associative ?? false;
    const next = kept.reduce((max, [key]) => (/^\d+$/.test(key) ? Math.max(max, Number(key) + 1) : max), 0);
    return arrayBinding(new Map([...kept, ...arrayElements(assign.array, expander, associative, next)]), associative);
  } else if (assign.value) {
    const word = expandWord(assign.value, expander);
    binding = { value: word.value, unresolved: word.unresolved };
  } else binding = { value: '', unresolved: [] };
  if (assign.append) {
    const previous = scope.lookup(assign.name);
    if (previous) binding = { value: previous.value + binding.value, unresolved: [...previous.unresolved, ...binding.unresolved] };
  }
  return binding;
}

/** The elements of `(a "b c" [5]=d [key]=e)`: each field its own element, `[i]=v` at its index or key. */
function arrayElements(words: ShWord[], expander: Expander, associative: boolean, start = 0): Map<string, Binding> {
  const elements = new Map<string, Binding>();
  let next = start;
  for (const word of words) {
    const first = word.parts[0];
    const literalStart = first?.type === 'Lit' ? first.value : '';
    const keyed = /^\[([^\]$`]+)\]=/.exec(literalStart);
    if (keyed) {
      const rest = literalStart.slice(keyed[0].length);
      const value = expandWord(
        { ...word, parts: [...(rest ? [{ type: 'Lit' as const, value: rest }] : []), ...word.parts.slice(1)] },
        expander,
      );
      const key = keyed[1]!;
      elements.set(key, { value: value.value, unresolved: value.unresolved });
      if (/^\d+$/.test(key)) next = Number(key) + 1;
      continue;
    }
    for (const field of expandFields(word, expander)) {
      elements.set(associative ? field.value : String(next++), { value: field.value, unresolved: field.unresolved });
    }
  }
  return elements;
}

const toWord = (binding: Binding, raw: string): Word => ({ value: binding.value, raw, unresolved: binding.unresolved });
const toBinding = (word: Word): Binding => ({ value: word.value, unresolved: word.unresolved });

/**
 * The text of a script handed to a shell or to eval. Substitutions the outer shell could not
 * evaluate were walked where they stood: in the inner script they are values still unknown, bound
 * in `scope` under placeholder names, not commands to walk a second time.
 */
function inlineSource(word: Word, scope: Scope): string {
  let source = word.value;
  word.unresolved
    .filter((name) => /^(\$\(|`|<\(|>\()/.test(name))
    .forEach((name, index) => {
      const placeholder = `__iot_substitution_${index}`;
      source = source.split(name).join(`\${${placeholder}}`);
      scope.set(placeholder, { value: name, unresolved: [name] });
    });
  return source;
}

/** Words joined by spaces, as eval joins its arguments. */
const joinWords = (words: Word[]): Word => ({
  value: words.map((word) => word.value).join(' '),
  raw: words.map((word) => word.raw).join(' '),
  unresolved: [...new Set(words.flatMap((word) => word.unresolved))],
});
