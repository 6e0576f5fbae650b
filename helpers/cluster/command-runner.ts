// Runs the host's tools (vagrant, k3d, kubectl, git …) for the live tiers. The real runner uses zx;
// self-tests use RecordingRunner, which answers from a script and remembers every call.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { constants } from 'node:os';
import { relative, sep } from 'node:path';
import { $, ProcessOutput } from 'zx';
import { PROJECT_ROOT } from '../config/env.ts';

export type Stream = 'stdout' | 'stderr';

export interface CommandOptions {
  cwd?: string;
  /** Replaces the environment entirely when given (merge process.env yourself). */
  env?: Record<string, string | undefined>;
  /** Text fed to stdin; stdin is closed either way, so a password prompt fails instead of hanging. */
  input?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with every output line as it arrives (streaming). */
  onLine?: (line: string, stream: Stream) => void;
}

export interface CommandResult {
  /** The command as a person would type it. */
  command: string;
  exitCode: number | null;
  /** Set when the process was ended by a signal (timeout, abort). */
  signal?: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A process started in its own process group, with whatever it leaves running in the background. */
export interface GroupRun {
  /** The process (and process group) id; undefined when it could not start. */
  pid?: number;
  /**
   * Settles when the process itself exits, even while children it left in the background (`kubectl
   * port-forward … &`) still hold its output open; they keep running until stop().
   */
  exited: Promise<CommandResult>;
  /** Ends the whole process group: the process if it still runs, and everything it left behind. */
  stop(): void;
}

export interface CommandRunner {
  run(cmd: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
  /** For a target's own scripts: started in a process group of its own (see GroupRun). */
  start(cmd: string, args: readonly string[], options?: Omit<CommandOptions, 'input' | 'timeoutMs'>): GroupRun;
}

/** Quotes one argument for display the way a shell would need it. */
function displayArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map(displayArg).join(' ');
}

const EXIT_MEANINGS: Record<number, string> = {
  1: 'general error',
  2: 'misuse of a shell builtin or bad arguments',
  124: 'timed out',
  126: 'found but not executable',
  127: 'command not found',
};

/** What an exit code usually means; above 128 it is the signal that ended the process (130 = Ctrl-C). */
export function describeExit(code: number | null, signal?: string | null): string {
  if (code === null) return signal ? `killed by ${signal}` : 'did not exit';
  const bySignal = code > 128 ? Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] : undefined;
  const info = EXIT_MEANINGS[code] ?? (bySignal ? `ended by ${bySignal}` : undefined);
  return info ? `exit code ${code} (${info})` : `exit code ${code}`;
}

/** The first stack frame outside this module and node_modules: where the suite asked for the command. */
export function callerLocation(stack = new Error().stack ?? ''): string {
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const file = match[1].replace(/^file:\/\//, '');
    if (file.includes(`${sep}node_modules${sep}`) || file.endsWith('command-runner.ts') || file.startsWith('node:')) continue;
    return `${relative(PROJECT_ROOT, file).split(sep).join('/')}:${match[2]}`;
  }
  return 'unknown location';
}

export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/** A failed command, described like zx does: command, stderr tail, caller, exit code and its meaning. */
export class CommandError extends Error {
  readonly result: CommandResult;
  readonly location: string;
  constructor(result: CommandResult, location: string, what?: string) {
    const output = tail(result.stderr) || tail(result.stdout);
    super(
      [
        `${what ? `${what}: ` : ''}\`${result.command}\` failed with ${describeExit(result.exitCode, result.signal)}`,
        ...(output ? ['  output (last lines):', ...output.split('\n').map((line) => `    ${line}`)] : []),
        `  at ${location}`,
      ].join('\n'),
    );
    this.name = 'CommandError';
    this.result = result;
    this.location = location;
  }
}

/** Runs a command and throws CommandError unless it exits 0. */
export async function runChecked(
  runner: CommandRunner,
  cmd: string,
  args: readonly string[],
  options: CommandOptions = {},
  what?: string,
): Promise<CommandResult> {
  const location = callerLocation();
  const result = await runner.run(cmd, args, options);
  if (result.exitCode !== 0) throw new CommandError(result, location, what);
  return result;
}

/** The real runner: zx, no shell interpretation of arguments, output captured and streamed by line. */
export class ZxRunner implements CommandRunner {
  async run(cmd: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const started = Date.now();
    const command = formatCommand(cmd, args);
    const process$ = $({
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv | undefined,
      ...(options.input ? { input: options.input } : { stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] }),
      signal: options.signal,
      timeout: options.timeoutMs,
      timeoutSignal: 'SIGTERM',
      quiet: true,
      nothrow: true,
      verbose: false,
    })`${cmd} ${args}`;
    if (options.onLine) {
      const onLine = options.onLine;
      createInterface({ input: process$.stdout }).on('line', (line) => onLine(line, 'stdout'));
      createInterface({ input: process$.stderr }).on('line', (line) => onLine(line, 'stderr'));
    }
    let output: ProcessOutput;
    try {
      output = await process$;
    } catch (error) {
      output = error instanceof ProcessOutput ? error : ProcessOutput.fromError(error as Error);
    }
    return {
      command,
      exitCode: output.exitCode,
      signal: output.signal,
      stdout: output.stdout,
      stderr: output.stderr,
      durationMs: Date.now() - started,
    };
  }

  start(cmd: string, args: readonly string[], options: Omit<CommandOptions, 'input' | 'timeoutMs'> = {}): GroupRun {
    const started = Date.now();
    const child = spawn(cmd, [...args], {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv | undefined,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const kept = { stdout: '', stderr: '' };
    const keep = (stream: Stream) => (line: string) => {
      kept[stream] = `${kept[stream]}${line}\n`.slice(-MAX_KEPT_OUTPUT);
      options.onLine?.(line, stream);
    };
    createInterface({ input: child.stdout }).on('line', keep('stdout'));
    createInterface({ input: child.stderr }).on('line', keep('stderr'));
    let running = true;
    const stop = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // the group is gone already (or belongs to root after sudo: nothing we may end)
      }
    };
    const onAbort = () => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const exited = new Promise<CommandResult>((resolve) => {
      const finish = (exitCode: number | null, signal: string | null) => {
        if (!running) return;
        running = false;
        options.signal?.removeEventListener('abort', onAbort);
        // Let the lines already written reach onLine; children that keep the pipes open are not waited for.
        setTimeout(
          () =>
            resolve({
              command: formatCommand(cmd, args),
              exitCode,
              signal,
              stdout: kept.stdout,
              stderr: kept.stderr,
              durationMs: Date.now() - started,
            }),
          200,
        );
      };
      child.on('exit', finish);
      child.on('error', (error) => {
        keep('stderr')(error.message);
        finish(127, null);
      });
    });
    return { pid: child.pid, exited, stop };
  }
}

/** Output kept from a started process, for error messages (the whole output is streamed to onLine). */
const MAX_KEPT_OUTPUT = 64 * 1024;

export interface RecordedCall {
  cmd: string;
  args: string[];
  options: CommandOptions;
}

export type Reply = Partial<Pick<CommandResult, 'exitCode' | 'stdout' | 'stderr' | 'signal'>>;

/**
 * A runner for self-tests: answers each call with the first rule whose matcher accepts the command line
 * (`cmd args…` joined by spaces), and records every call in order. Unmatched calls exit 0 with no output.
 */
export class RecordingRunner implements CommandRunner {
  readonly calls: RecordedCall[] = [];
  private readonly rules: Array<{
    match: RegExp | ((line: string) => boolean);
    reply: Reply | ((call: RecordedCall) => Reply | Promise<Reply>);
  }> = [];

  on(match: RegExp | ((line: string) => boolean), reply: Reply | ((call: RecordedCall) => Reply | Promise<Reply>)): this {
    this.rules.push({ match, reply });
    return this;
  }

  /** Command lines of every call so far, e.g. "vagrant destroy -f". */
  get lines(): string[] {
    return this.calls.map((call) => [call.cmd, ...call.args].join(' '));
  }

  async run(cmd: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const call: RecordedCall = { cmd, args: [...args], options };
    this.calls.push(call);
    const line = [cmd, ...args].join(' ');
    const rule = this.rules.find(({ match }) => (typeof match === 'function' ? match(line) : match.test(line)));
    const reply = rule ? (typeof rule.reply === 'function' ? await rule.reply(call) : rule.reply) : {};
    const result: CommandResult = {
      command: formatCommand(cmd, args),
      exitCode: reply.exitCode === undefined ? 0 : reply.exitCode,
      signal: reply.signal ?? null,
      stdout: reply.stdout ?? '',
      stderr: reply.stderr ?? '',
      durationMs: 0,
    };
    if (options.onLine) {
      for (const l of result.stdout.split('\n').filter(Boolean)) options.onLine(l, 'stdout');
      for (const l of result.stderr.split('\n').filter(Boolean)) options.onLine(l, 'stderr');
    }
    return result;
  }

  /** Started processes: the reply settles exited; stop() is recorded as "stop <command line>". */
  readonly stopped: string[] = [];

  start(cmd: string, args: readonly string[], options: Omit<CommandOptions, 'input' | 'timeoutMs'> = {}): GroupRun {
    const line = [cmd, ...args].join(' ');
    return { exited: this.run(cmd, args, options), stop: () => void this.stopped.push(line) };
  }
}
