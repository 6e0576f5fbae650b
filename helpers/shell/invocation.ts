// What a command line really runs: wrappers removed (sudo, env, nohup …) and, for a shell,
// whether it reads its script from stdin (`sh -s - ARGS`), from a file, or from `-c`.
import type { ShellCommand, Word } from './model.ts';

export const baseName = (path: string): string => path.replace(/\/+$/, '').slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1);

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const SUDO_VALUED = new Set(['-u', '--user', '-g', '--group', '-h', '--host', '-p', '--prompt', '-C', '--close-from', '-D', '--chdir', '-r', '--role', '-t', '--type', '-T', '--command-timeout']);
const TRANSPARENT = new Set(['exec', 'nohup', 'builtin', 'time', 'stdbuf', 'nice', 'ionice', 'setsid']);

export interface Invocation {
  argv: Word[];
  /** Assignments given through `sudo VAR=v` / `env VAR=v`. */
  env: Record<string, Word>;
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
  for (let guard = 0; guard < 10 && words.length > 0; guard++) {
    const head = baseName(words[0]!.value);
    if (head === 'sudo' || head === 'doas') {
      let i = 1;
      while (i < words.length && words[i]!.value.startsWith('-')) i += SUDO_VALUED.has(words[i]!.value) ? 2 : 1;
      words = words.slice(takeAssignments(i));
    } else if (head === 'env') {
      let i = 1;
      while (i < words.length && words[i]!.value.startsWith('-')) i += ['-u', '--unset', '-C', '--chdir', '-S'].includes(words[i]!.value) ? 2 : 1;
      words = words.slice(takeAssignments(i));
    } else if (head === 'command') {
      if (words[1] && /^-[vV]/.test(words[1].value)) return { argv: [], env };
      words = words.slice(words[1]?.value === '-p' ? 2 : 1);
    } else if (head === 'timeout') {
      let i = 1;
      while (i < words.length && words[i]!.value.startsWith('-')) i += ['-s', '--signal', '-k', '--kill-after'].includes(words[i]!.value) ? 2 : 1;
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
export function effective(command: ShellCommand): { argv: Word[]; name: string; env: Record<string, Word> } {
  const { argv, env } = unwrapArgv(command.argv);
  return { argv, name: argv[0] ? baseName(argv[0].value) : '', env: { ...command.inheritedEnv, ...command.env, ...env } };
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
