// Runs Ruby jobs one at a time, each in a fresh worker thread that ends with the job: a Ruby VM
// holds ~100 MB of WebAssembly memory, and ending its thread is the one way to hand that back
// at once. The module is compiled once per process and shared by every worker; a job over its
// time or memory budget has its worker terminated.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Where the repository copy is mounted inside the sandbox; prelude.rb uses the same. */
export const SANDBOX_ROOT = '/repo';
export const DEFAULT_TIME_LIMIT_MS = 10_000;
/** Growth of this process's memory beyond which a job is stopped (a runaway allocation). */
export const DEFAULT_MEMORY_LIMIT_MB = 1024;
const MEMORY_POLL_MS = 100;

/** The CRuby WebAssembly binary (with its standard library). */
export const RUBY_WASM = createRequire(import.meta.url).resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm');

export interface WorkerJob {
  /** The host folder preopened as `mount`. */
  dir: string;
  mount: string;
  /** Absolute path of the Vagrantfile inside the sandbox. */
  vagrantfile: string;
  /** Sandbox-relative path → why the grader could not read that file. */
  problems: Record<string, string>;
}

/** What the worker posts: `ready` once Ruby and the prelude are loaded, then the result. */
export type WorkerReply = { ready: true } | { json: string; crash?: undefined } | { crash: string; json?: undefined };

export type SandboxOutcome =
  | { kind: 'done'; json: string }
  | { kind: 'crash'; reason: string }
  /** Ruby could not start: a problem of the grader's installation, not of the Vagrantfile. */
  | { kind: 'unavailable'; reason: string }
  | { kind: 'timeout'; limitMs: number }
  | { kind: 'memory'; limitMb: number };

export interface SandboxLimits {
  timeLimitMs?: number;
  memoryLimitMb?: number;
}

const WORKER_ARGS = ['--disable-warning=ExperimentalWarning'];

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * The CRuby module, compiled once per process. A short-lived worker reads and compiles it, so
 * that the 30 MB of bytes leave with that worker instead of waiting for this thread's GC.
 */
export function rubyModule(): Promise<WebAssembly.Module> {
  if (!compiled) {
    compiled = new Promise<WebAssembly.Module>((resolve, reject) => {
      const compiler = new Worker(new URL('./ruby-worker.ts', import.meta.url), {
        workerData: { compile: RUBY_WASM },
        execArgv: WORKER_ARGS,
      });
      let module: WebAssembly.Module | undefined;
      compiler.once('message', (compiledModule: WebAssembly.Module) => {
        module = compiledModule;
      });
      compiler.once('error', reject);
      // Handed over once the compiler has exited, so that its memory is gone before a VM starts.
      compiler.once('exit', (code) =>
        module ? resolve(module) : reject(new Error(`compiling ${RUBY_WASM} failed (worker exit ${code})`)),
      );
    });
    compiled.catch(() => {
      compiled = undefined;
    });
  }
  return compiled;
}

let queue: Promise<unknown> = Promise.resolve();

async function runJob(job: WorkerJob, limits: SandboxLimits): Promise<SandboxOutcome> {
  const timeLimitMs = limits.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const memoryLimitMb = limits.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  const module = await rubyModule();
  const baseline = process.memoryUsage.rss();
  const worker = new Worker(new URL('./ruby-worker.ts', import.meta.url), {
    workerData: { module, job },
    execArgv: WORKER_ARGS,
    stdout: true,
    stderr: true,
  });
  // Nothing the worker prints is for the user: Ruby's streams are /dev/null already.
  worker.stdout.resume();
  worker.stderr.resume();
  try {
    return await new Promise<SandboxOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let ready = false;
      const crashed = (reason: string): SandboxOutcome => (ready ? { kind: 'crash', reason } : { kind: 'unavailable', reason });
      const finish = (outcome: SandboxOutcome): void => {
        clearTimeout(timer);
        clearInterval(watch);
        resolve(outcome);
      };
      worker.on('message', (reply: WorkerReply) => {
        // The clock starts when Ruby is ready: a slow start of the worker does not count.
        if ('ready' in reply) {
          ready = true;
          timer = setTimeout(() => finish({ kind: 'timeout', limitMs: timeLimitMs }), timeLimitMs);
        } else finish(reply.crash !== undefined ? crashed(reply.crash) : { kind: 'done', json: reply.json });
      });
      worker.on('error', (error: Error) => finish(crashed(`${error.name}: ${error.message}`)));
      worker.on('exit', (code) => finish(crashed(`the Ruby worker exited (code ${code})`)));
      const watch = setInterval(() => {
        if (process.memoryUsage.rss() - baseline > memoryLimitMb * 1024 * 1024) finish({ kind: 'memory', limitMb: memoryLimitMb });
      }, MEMORY_POLL_MS);
    });
  } finally {
    await worker.terminate().catch(() => undefined);
  }
}

/** Runs one job in the sandbox after the ones already queued. */
export function runInSandbox(job: WorkerJob, limits: SandboxLimits = {}): Promise<SandboxOutcome> {
  const result = queue.then(() => runJob(job, limits));
  queue = result.catch(() => undefined);
  return result;
}
