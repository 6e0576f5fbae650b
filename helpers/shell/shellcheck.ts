// Runs the shellcheck binary on a script's text (stdin), errors only. The script is data for
// shellcheck: nothing of it is executed.
import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { TargetFile } from '../target/repository.ts';
import { shebangShell } from './analyze.ts';
import { ShellcheckCache } from './shellcheck-cache.ts';

export interface ShellcheckFinding {
  line: number;
  code: number;
  message: string;
}

export type ShellcheckOutcome = { kind: 'done'; findings: ShellcheckFinding[] } | { kind: 'missing' } | { kind: 'failed'; reason: string };

/** The dialects shellcheck knows; other shells are checked as the closest one. */
export function shellcheckDialect(shell: string): 'sh' | 'bash' | 'dash' | 'ksh' | undefined {
  if (shell === 'bash' || shell === 'sh' || shell === 'dash' || shell === 'ksh') return shell;
  if (shell === 'ash' || shell === 'busybox') return 'sh';
  if (shell === 'mksh') return 'ksh';
  return undefined;
}

/** Errors only, as JSON, the script on stdin, no .shellcheckrc from the host. */
const shellcheckArgs = (dialect: string): string[] => ['--format=json1', '--severity=error', `--shell=${dialect}`, '--norc', '-'];

/** ShellCheck runs not ended yet. */
const running = new Set<ChildProcess>();
let ended = false;

/**
 * Ends every ShellCheck run not ended yet, and starts none from now on: for a process done with its grading, and
 * at its exit. A run started ahead of its check (a prefetch) is not waited for when G-SHELLCHECK is skipped, and on
 * a pathological script ShellCheck would run on for minutes, its time limit gone with the process that set it.
 */
export function endShellchecks(): void {
  ended = true;
  for (const child of running) child.kill('SIGKILL');
}

function endsWithThisProcess(child: ChildProcess): void {
  if (!process.listeners('exit').includes(endShellchecks)) process.on('exit', endShellchecks);
  running.add(child);
  child.on('exit', () => running.delete(child));
}

export function runShellcheck(text: string, dialect: string, timeoutMs = 30_000): Promise<ShellcheckOutcome> {
  if (ended) return Promise.resolve({ kind: 'failed', reason: 'the grading has ended' });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: ShellcheckOutcome): void => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    const child = spawn('shellcheck', shellcheckArgs(dialect), {
      cwd: tmpdir(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    endsWithThisProcess(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ kind: 'failed', reason: `shellcheck did not finish in ${timeoutMs / 1000} s` });
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      finish(error.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'failed', reason: error.message });
    });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && code !== 1) {
        finish({ kind: 'failed', reason: Buffer.concat(err).toString('utf8').trim().split('\n')[0] || `shellcheck exited with ${code}` });
        return;
      }
      try {
        const report = JSON.parse(Buffer.concat(out).toString('utf8')) as {
          comments?: Array<{ line: number; code: number; message: string; level: string }>;
        };
        const findings = (report.comments ?? [])
          .filter((comment) => comment.level === 'error')
          .map(({ line, code, message }) => ({ line, code, message }));
        finish({ kind: 'done', findings });
      } catch {
        finish({ kind: 'failed', reason: 'shellcheck printed something other than its JSON report' });
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(text);
  });
}

let remembered: Map<string, Promise<ShellcheckOutcome>> | undefined;

/**
 * From now on, the outcome for a script text and dialect seen before is reused: for a process that
 * grades the same repository again and again (watch mode), where most scripts have not changed.
 */
export function rememberShellcheckOutcomes(): void {
  remembered ??= new Map();
}

/** The outcome kept on disk by an earlier run (shellcheck-cache.ts), else shellcheck's, then kept. */
async function shellcheckOrKept(text: string, dialect: string): Promise<ShellcheckOutcome> {
  const cache = ShellcheckCache.open();
  const args = shellcheckArgs(dialect);
  const kept = cache?.read(args, text);
  if (kept) return { kind: 'done', findings: kept };
  const outcome = await runShellcheck(text, dialect);
  if (outcome.kind === 'done') cache?.write(args, text, outcome.findings);
  return outcome;
}

function shellcheckOnce(text: string, dialect: string): Promise<ShellcheckOutcome> {
  if (!remembered) return shellcheckOrKept(text, dialect);
  const key = `${dialect}\0${text}`;
  let outcome = remembered.get(key);
  if (!outcome) {
    outcome = shellcheckOrKept(text, dialect);
    remembered.set(key, outcome);
    // A tool that failed may work next time.
    outcome.then((result) => result.kind === 'done' || remembered?.delete(key));
  }
  return outcome;
}

/** Shellcheck takes ~0.1 s per script, mostly starting up: a few run side by side. */
export const SHELLCHECK_CONCURRENCY = 4;

/** Runs shellcheck on every script, `concurrency` at a time; the outcomes are in the order of the scripts. */
export async function runShellchecks(
  scripts: ReadonlyArray<{ text: string; dialect: string }>,
  concurrency = SHELLCHECK_CONCURRENCY,
  run: (text: string, dialect: string) => Promise<ShellcheckOutcome> = shellcheckOnce,
): Promise<ShellcheckOutcome[]> {
  const outcomes = new Array<ShellcheckOutcome>(scripts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scripts.length) {
      const index = next++;
      const { text, dialect } = scripts[index]!;
      outcomes[index] = await run(text, dialect);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, scripts.length)) }, worker));
  return outcomes;
}

/** Concurrency of the early run: it shares the processor with Ruby's start-up. */
const PREFETCH_CONCURRENCY = 2;

/**
 * Starts ShellCheck now on the parts' `.sh` files, as their shebang names the shell, so that G-SHELLCHECK,
 * which waits for every script of the parts to be known (Vagrantfiles evaluated), finds most outcomes
 * done. Only where outcomes are remembered (rememberShellcheckOutcomes); a guess that differs from the
 * script's real shell is a miss, not a wrong outcome: outcomes are keyed by text and dialect.
 */
export function prefetchShellchecks(files: readonly TargetFile[]): void {
  if (!remembered) return;
  const scripts = files.flatMap((file) => {
    if (!file.part || !file.path.endsWith('.sh') || file.text === undefined || file.problem) return [];
    const dialect = shellcheckDialect(shebangShell(file.text));
    return dialect ? [{ text: file.text, dialect }] : [];
  });
  void runShellchecks(scripts, PREFETCH_CONCURRENCY);
}
