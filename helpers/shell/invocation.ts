// What a command line really runs: wrappers removed (sudo, env, nohup, runuser -u …) and, for a
// command that runs a shell (sh, bash …, su, runuser, sg, newgrp, script -c, sudo -s|-i), whether
// the shell reads its script from stdin (`sh -s - ARGS`, a heredoc), from a file, or from `-c`.
import type { ShellCommand, Word } from './model.ts';

export const baseName = (path: string): string => path.replace(/\/+$/, '').slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1);

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const SUDO_VALUED = new Set([
  '-u',
  '--user',
  '-g',
  '--group',
  '-h',
  '--host',
  '-p',
  '--prompt',
  '-C',
  '--close-from',
  '-D',
  '--chdir',
  '-r',
  '--role',
  '-t',
  '--type',
  '-T',
  '--command-timeout',
]);
/** sudo's short options that take a value: `-u x`, `-ux`, `-iu x`. */
const SUDO_VALUED_LETTERS = 'ughpCDrtT';
/** runuser's options that take a value (`runuser -u USER -- CMD` runs CMD without a shell). */
const RUNUSER_VALUED = new Set([
  '-u',
  '--user',
  '-g',
  '--group',
  '-G',
  '--supp-group',
  '-s',
  '--shell',
  '-w',
  '--whitelist-environment',
  '-c',
  '--command',
  '--session-command',
]);
const TRANSPARENT = new Set(['exec', 'nohup', 'builtin', 'time', 'stdbuf', 'nice', 'ionice', 'setsid']);

export interface Invocation {
  argv: Word[];
  /** Assignments given through `sudo VAR=v` / `env VAR=v`. */
  env: Record<string, Word>;
  /** `sudo -s`, `sudo -i` or `runuser -u USER` with no command: a shell that reads its script from stdin. */
  shell?: boolean;
}

/** How many words sudo's options take from `from` on: `-u x` two, `-iu x` two, `-uvagrant` one, `--user=x` one. */
function sudoOption(words: readonly Word[], from: number): { width: number; shell: boolean } {
  const value = words[from]!.value;
  if (value.startsWith('--')) return { width: SUDO_VALUED.has(value) ? 2 : 1, shell: value === '--shell' || value === '--login' };
  let shell = false;
  for (let k = 1; k < value.length; k++) {
    const letter = value[k]!;
    if (letter === 's' || letter === 'i') shell = true;
    if (SUDO_VALUED_LETTERS.includes(letter)) return { width: k === value.length - 1 ? 2 : 1, shell };
  }
  return { width: 1, shell };
}

/** Removes wrappers; `command -v x` is a lookup, not a run, and gives an empty argv. */
export function unwrapArgv(argv: readonly Word[]): Invocation {
  let words = [...argv];
  const env: Record<string, Word> = {};
  const takeAssignments = (from: number): number => {
    let i = from;
    for (; i < words.length; i++) {
      const match = ASSIGNMENT.exec(words[i]!.value);
      if (!match) break;
      env[match[1]!] = tail(words[i]!, match[0].length);
    }
    return i;
  };
  let shell = false;
  for (let guard = 0; guard < 10 && words.length > 0; guard++) {
    const head = baseName(words[0]!.value);
    if (head === 'sudo' || head === 'doas') {
      let i = 1;
      while (i < words.length && words[i]!.value.startsWith('-')) {
        const option = sudoOption(words, i);
        shell ||= option.shell;
        i += option.width;
      }
      words = words.slice(takeAssignments(i));
      if (!words.length && shell) return { argv: [], env, shell };
    } else if (
      head === 'runuser' &&
      words.some((word) => word.value === '-u' || word.value === '--user' || word.value.startsWith('--user='))
    ) {
      let i = 1;
      while (i < words.length && words[i]!.value.startsWith('-') && words[i]!.value !== '--')
        i += RUNUSER_VALUED.has(words[i]!.value) ? 2 : 1;
      if (
        words
          .slice(1, i)
          .some((word) => ['-c', '--command', '--session-command'].includes(word.value) || word.value.startsWith('--command='))
      )
        break;
      words = words.slice(words[i]?.value === '--' ? i + 1 : i);
      if (!words.length) return { argv: [], env, shell: true };
    } else if (head === 'env') {
      let i = 1;
      while (i < words.length && words[i]!.value.startsWith('-'))
        i += ['-u', '--unset', '-C', '--chdir', '-S'].includes(words[i]!.value) ? 2 : 1;
      words = words.slice(takeAssignments(i));
    } else if (head === 'command') {
      if (words[1] && /^-[vV]/.test(words[1].value)) return { argv: [], env };
      words = words.slice(words[1]?.value === '-p' ? 2 : 1);
    } else if (head === 'timeout') {
      let i = 1;
      while (i < words.length && words[i]!.value.startsWith('-'))
        i += ['-s', '--signal', '-k', '--kill-after'].includes(words[i]!.value) ? 2 : 1;
      words = words.slice(i + 1);
    } else if (TRANSPARENT.has(head)) {
      let i = 1;
      while (i < words.length && words[i]!.value.startsWith('-')) i += ['-n', '-a', '-c'].includes(words[i]!.value) ? 2 : 1;
      words = words.slice(i);
    } else break;
  }
  return { argv: words, env };
}

/** A word holding the part of another after `from` characters (the value of `VAR=value`). */
export function tail(word: Word, from: number): Word {
  const value = word.value.slice(from);
  const eq = word.raw.indexOf('=');
  return { value, raw: eq >= 0 ? word.raw.slice(eq + 1) : word.raw, unresolved: word.unresolved.filter((name) => value.includes(name)) };
}

/** The command as run, with every environment it gets: inherited, prefix assignments, sudo/env ones. */
export function effective(command: ShellCommand): { argv: Word[]; name: string; env: Record<string, Word>; shell?: boolean } {
  const { argv, env, shell } = unwrapArgv(command.argv);
  return {
    argv,
    name: argv[0] ? baseName(argv[0].value) : '',
    env: { ...command.inheritedEnv, ...command.env, ...env },
    ...(shell ? { shell } : {}),
  };
}

export const SHELLS = new Set(['sh', 'bash', 'dash', 'ksh', 'zsh', 'ash', 'mksh']);

export interface ShellRun {
  /** The script comes from stdin (`sh`, `sh -`, `sh -s - ARGS`). */
  stdin: boolean;
  script?: Word;
  /** `sh -c 'STRING'`. */
  commandString?: Word;
  args: Word[];
}

/** How a shell is invoked, given its argv (argv[0] is the shell). */
export function shellRun(argv: readonly Word[]): ShellRun {
  let stdinFlag = false;
  let commandFlag = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const value = argv[i]!.value;
    if (value === '-' || value === '--') {
      i++;
      break;
    }
    if (value === '-o' || value === '+o' || value === '-O' || value === '+O') {
      i++;
      continue;
    }
    if (/^--[a-z]/.test(value)) continue;
    if (!/^[-+][A-Za-z]+$/.test(value)) break;
    if (value.startsWith('-') && value.includes('s')) stdinFlag = true;
    if (value.startsWith('-') && value.includes('c')) commandFlag = true;
  }
  const rest = argv.slice(i);
  if (commandFlag) return { stdin: false, commandString: rest[0], args: rest.slice(1) };
  if (stdinFlag || rest.length === 0) return { stdin: true, args: rest };
  return { stdin: false, script: rest[0], args: rest.slice(1) };
}

/** su's and runuser's options that take a value; `-c` and `--command` give the command string. */
const SU_VALUED = new Set([
  '-c',
  '--command',
  '--session-command',
  '-s',
  '--shell',
  '-g',
  '--group',
  '-G',
  '--supp-group',
  '-w',
  '--whitelist-environment',
]);
const SCRIPT_VALUED = new Set([
  '-c',
  '--command',
  '-E',
  '--echo',
  '-I',
  '--log-in',
  '-O',
  '--log-out',
  '-B',
  '--log-io',
  '-T',
  '--log-timing',
  '-m',
  '--logging-format',
]);

/** The value of an option written `--flag=value` or `-cvalue`: the word's tail as its own word. */
function attached(word: Word, from: number): Word {
  const value = word.value.slice(from);
  return { value, raw: value, unresolved: word.unresolved.filter((name) => value.includes(name)) };
}

/**
 * The shell a command runs and where its script comes from, once wrappers are removed: a shell
 * (`bash -c`, `sh -s`), `su [-] USER [-c CMD]`, `runuser -l USER -c CMD`, `sg GROUP [-c] CMD`,
 * `newgrp GROUP`, `script -c CMD`, `sudo -s` / `sudo -i`. Without a command string, such a shell
 * reads its script from stdin. Undefined for any other command, and for `ssh HOST CMD`, which runs
 * CMD on another machine.
 */
export function scriptRunOf(invocation: { argv: readonly Word[]; shell?: boolean }): ShellRun | undefined {
  const { argv } = invocation;
  if (!argv.length) return invocation.shell ? { stdin: true, args: [] } : undefined;
  const name = baseName(argv[0]!.value);
  if (SHELLS.has(name)) return shellRun(argv);
  if (name === 'su' || name === 'runuser') return switchUserRun(argv);
  if (name === 'sg') return groupRun(argv);
  if (name === 'newgrp') return { stdin: true, args: [] };
  if (name === 'script') {
    for (let i = 1; i < argv.length; i++) {
      const value = argv[i]!.value;
      if (value === '-c' || value === '--command' || /^-[a-zA-Z]*c$/.test(value))
        return argv[i + 1] ? { stdin: false, commandString: argv[i + 1], args: [] } : undefined;
      if (value.startsWith('--command=')) return { stdin: false, commandString: attached(argv[i]!, '--command='.length), args: [] };
      if (SCRIPT_VALUED.has(value)) i++;
    }
  }
  return undefined;
}

/** `su [-] [USER] [-c CMD] [ARGS]` (options may follow USER), `runuser` the same way. */
function switchUserRun(argv: readonly Word[]): ShellRun {
  let command: Word | undefined;
  let user = false;
  const args: Word[] = [];
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    const value = word.value;
    if (value === '-' || value === '--') continue;
    if (value.startsWith('--')) {
      const eq = value.indexOf('=');
      const flag = eq > 0 ? value.slice(0, eq) : value;
      const given = eq > 0 ? attached(word, eq + 1) : SU_VALUED.has(flag) ? argv[++i] : undefined;
      if (flag === '--command' || flag === '--session-command') command = given;
      continue;
    }
    if (/^-[A-Za-z]+$/.test(value)) {
      for (let k = 1; k < value.length; k++) {
        const letter = value[k]!;
        if (!'csgGwu'.includes(letter)) continue;
        const given = k < value.length - 1 ? attached(word, k + 1) : argv[++i];
        if (letter === 'c') command = given;
        break;
      }
      continue;
    }
    if (!user) user = true;
    else args.push(word);
  }
  return command ? { stdin: false, commandString: command, args } : { stdin: true, args };
}

/** `sg [-] GROUP [-c] CMD`: CMD runs with /bin/sh -c; without it, a shell reads stdin. */
function groupRun(argv: readonly Word[]): ShellRun {
  const rest = argv.slice(1).filter((word, index) => !(index === 0 && word.value === '-'));
  const command = rest[1]?.value === '-c' ? rest[2] : rest[1];
  return command ? { stdin: false, commandString: command, args: [] } : { stdin: true, args: [] };
}
