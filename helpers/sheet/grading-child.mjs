// @ts-check
// One static grading of a target, in a child process (grading-process.ts) or in this process when it was started
// for it (npm test's own), and waits for its file. A grading that dies or throws leaves a file too, naming the
// exit or the error, so that every static test reports it instead of hanging or crashing vitest. Plain JavaScript:
// npm-test.mjs starts the grading with it before anything loads TypeScript.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasGrading, writeGrading } from './graded-results.mjs';

/**
 * Node flags of a process that grades: Ruby's WebAssembly on the baseline compiler (faster start, ~85 MB lighter), and
 * no V8 background task (compiling, collecting garbage): on two cores they cost more processor time than they save,
 * and took it from vitest (docs/upstream-behaviour.md).
 */
export const GRADING_NODE_FLAGS = ['--no-warnings', '--liftoff-only', '--single-threaded', '--max-semi-space-size=4'];
export const GRADING_PROCESS = fileURLToPath(new URL('./grading-process.ts', import.meta.url));
const STDERR_TAIL = 4000;

/**
 * The environment of a process that loads the grader: Node's compile cache on, in Node's default folder unless
 * NODE_COMPILE_CACHE names one, so that the grader's TypeScript is stripped and compiled once, not on every run
 * (NODE_DISABLE_COMPILE_CACHE=1 turns it off).
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function withCompileCache(env) {
  return { ...env, NODE_COMPILE_CACHE: env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache') };
}

/**
 * Keeps the last words a grading process writes on a stream, for its crash report.
 * @param {import('node:stream').Readable} stream
 * @returns {() => string} what it has said so far (the last STDERR_TAIL characters)
 */
export function lastWordsOf(stream) {
  let said = '';
  stream.setEncoding('utf8');
  stream.on('data', (/** @type {string} */ chunk) => {
    said = (said + chunk).slice(-STDERR_TAIL);
  });
  return () => said;
}

/**
 * What a grading's file says when its process ended without results.
 * @param {number | null} code
 * @param {NodeJS.Signals | null} signal
 * @param {string} stderr
 */
export function stoppedBeforeResults(code, signal, stderr) {
  const exit = signal ? `was killed by ${signal}` : `exited with status ${code}`;
  const said = stderr.trim();
  return `the grading process ${exit} before writing its results${said ? `:\n${said}` : ''}`;
}

/** Whether this process was started with GRADING_NODE_FLAGS (npm test's own process is), and so may grade itself. */
export const canGradeInThisProcess = () => GRADING_NODE_FLAGS.every((flag) => process.execArgv.includes(flag));

/** @param {unknown} error */
const described = (error) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/**
 * Grades in this process, which spares a Node start-up: npm test's own process does so while vitest starts. Resolves
 * once `out` holds the results or the crash report; never rejects. An error the grading throws, or leaves behind
 * uncaught, is reported in `out` instead of ending this process, which still has to follow vitest to its end. Once
 * `signal` aborts (vitest has ended), errors are no longer caught: one of the caller's own then ends the process as
 * any error does, instead of passing for the grading's and leaving the process to end with status 0.
 * @param {{ out: string; target: string; grade?: (out: string) => Promise<unknown>; signal?: AbortSignal }} request
 *   `grade` writes `out`; tests give another one
 * @returns {Promise<void>}
 */
export function gradeInThisProcess({ out, target, grade = gradeWithTheGrader, signal }) {
  return new Promise((resolve) => {
    /** @param {string} reason */
    const crash = (reason) => {
      if (!hasGrading(out)) writeGrading(out, { target, crash: reason });
      resolve();
    };
    /** @param {unknown} error */
    const failed = (error) => crash(`the grading failed before writing its results: ${described(error)}`);
    const stopCatching = () => {
      process.off('uncaughtException', failed);
      process.off('unhandledRejection', failed);
    };
    // A signal already aborted never fires 'abort' (docs/upstream-behaviour.md): then nothing is caught at all.
    if (!signal?.aborted) {
      process.on('uncaughtException', failed);
      process.on('unhandledRejection', failed);
      signal?.addEventListener('abort', stopCatching, { once: true });
    }
    grade(out).then(() => crash('the grading ended without writing its results'), failed);
  });
}

/** @param {string} out */
async function gradeWithTheGrader(out) {
  // As withCompileCache gives it to a child: Node's default folder unless NODE_COMPILE_CACHE names one.
  (await import('node:module')).enableCompileCache();
  await (await import('./one-grading.ts')).gradeOnce(out);
}

/**
 * @typedef {object} GradingRequest
 * @property {string} out Where the grading writes its file.
 * @property {string} target The target, for the crash report.
 * @property {NodeJS.ProcessEnv} [env]
 * @property {string} [entry] The process's entry point; tests give another one.
 * @property {AbortSignal} [signal] Stops the grading: its file then reports the abort.
 */

/**
 * Grades in a child process; resolves once `out` holds the results or the crash report. Never rejects.
 * @param {GradingRequest} request
 * @returns {Promise<void>}
 */
export function gradeInChildProcess(request) {
  return new Promise((resolve) => {
    /** @param {string} reason */
    const crash = (reason) => {
      writeGrading(request.out, { target: request.target, crash: reason });
      resolve();
    };
    const child = spawn(process.execPath, [...GRADING_NODE_FLAGS, request.entry ?? GRADING_PROCESS, '--out', request.out], {
      env: withCompileCache(request.env ?? process.env),
      stdio: ['ignore', 'ignore', 'pipe'],
      signal: request.signal,
    });
    const stderr = lastWordsOf(child.stderr);
    child.on('error', (error) => {
      if (error.name !== 'AbortError') crash(`the grading process could not start: ${error.message}`);
    });
    child.on('close', (code, signal) => {
      if (code === 0 && hasGrading(request.out)) return resolve();
      crash(stoppedBeforeResults(code, signal, stderr()));
    });
  });
}
