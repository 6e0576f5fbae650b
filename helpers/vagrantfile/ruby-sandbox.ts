// Runs Ruby jobs one at a time, each in a fresh worker thread that ends with the job: a Ruby VM
// holds ~100 MB of WebAssembly memory, and ending its thread is the one way to hand that back
// at once. The module is compiled once per process and shared by every worker; a job over its
// time or memory budget has its worker terminated. A worker boots Ruby before its job is known
// (its folder is preopened empty and filled when the job comes), so that a process that expects
// Vagrantfiles can have Ruby ready: prewarmSandbox() boots the first, keepSandboxWarm() keeps spares.
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TargetFile } from '../target/repository.ts';
import { materializeFiles } from './sandbox-files.ts';
import { makeSandboxFolder, sandboxParent } from './sandbox-folder.ts';

/** Where the repository copy is mounted inside the sandbox; prelude.rb uses the same. */
export const SANDBOX_ROOT = '/repo';
export const DEFAULT_TIME_LIMIT_MS = 10_000;
/** Growth of this process's memory beyond which a job is stopped (a runaway allocation). */
export const DEFAULT_MEMORY_LIMIT_MB = 1024;
const MEMORY_POLL_MS = 100;

/** The CRuby WebAssembly binary (with its standard library). */
export const RUBY_WASM = createRequire(import.meta.url).resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm');

/** What a worker boots with: the host folder preopened as `mount`. */
export interface WorkerBoot {
  dir: string;
  mount: string;
}

/** The job a ready worker runs. */
export interface WorkerJob {
  /** Absolute path of the Vagrantfile inside the sandbox. */
  vagrantfile: string;
  /** Sandbox-relative path → why the grader could not read that file. */
  problems: Record<string, string>;
}

/** What to evaluate: the target's files (copied into the sandbox) and the Vagrantfile's path among them. */
export interface SandboxJob {
  files: readonly TargetFile[];
  /** Relative to the target root. */
  vagrantfile: string;
}

/** What the worker posts: `ready` once Ruby and the prelude are loaded, then the result. */
export type WorkerReply = { ready: true } | { json: string; crash?: undefined } | { crash: string; json?: undefined };

export type SandboxOutcome =
  | { kind: 'done'; json: string }
  | { kind: 'crash'; reason: string }
  /** Ruby could not start: a problem of the grader's installation, not of the Vagrantfile. */
  | { kind: 'unavailable'; reason: string }
  /** The repository's copy could not be written (a full disk): a problem of the grading machine. */
  | { kind: 'uncopied'; reason: string }
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
      const compiler = new Worker(new URL('./ruby-worker.mjs', import.meta.url), {
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

/** A worker with Ruby booted (or booting) on an empty folder of its own, waiting for one job. */
class RubyVm {
  private readonly base = removedAtExit(makeSandboxFolder(sandboxParent()));
  readonly dir = join(this.base, 'repo');
  /**
   * The folder Ruby's WASI preopens as the repository: made before the worker starts, whose WASI fails to start without
   * it (UVWASI_ENOENT). Made asynchronously, it came after Ruby's start whenever libuv's thread pool was busy. Made
   * now, in the promise's executor: a failure becomes the promise's rejection.
   */
  private readonly folderMade = new Promise<void>((made) => {
    mkdirSync(this.dir);
    made();
  });
  private readonly worker: Worker;
  /** Resolves when Ruby is ready, or with why it could not start. */
  readonly booted: Promise<{ ready: true } | { unavailable: string }>;
  /** Who waits for the worker's next reply, first come first served. */
  private waiting: Array<(reply: WorkerReply | { exit: string }) => void> = [];
  /** Replies that came while no one waited: kept, as a reply dropped leaves its job waiting for ever, with no timer. */
  private inbox: Array<WorkerReply | { exit: string }> = [];
  /** How the worker ended, once it has: the answer to every wait from then on. */
  private ended: { exit: string } | undefined;

  constructor(module: WebAssembly.Module) {
    this.worker = new Worker(new URL('./ruby-worker.mjs', import.meta.url), {
      workerData: { module, boot: { dir: this.dir, mount: SANDBOX_ROOT } satisfies WorkerBoot },
      execArgv: WORKER_ARGS,
      stdout: true,
      stderr: true,
    });
    // Nothing the worker prints is for the user: Ruby's streams are /dev/null already.
    this.worker.stdout.resume();
    this.worker.stderr.resume();
    const deliver = (reply: WorkerReply | { exit: string }): void => {
      if ('exit' in reply) {
        this.ended ??= reply;
        for (const waiter of this.waiting.splice(0)) waiter(this.ended);
        return;
      }
      const waiter = this.waiting.shift();
      if (waiter) waiter(reply);
      else this.inbox.push(reply);
    };
    this.worker.on('message', deliver);
    this.worker.on('error', (error: Error) => deliver({ exit: `${error.name}: ${error.message}` }));
    this.worker.on('exit', (code) => deliver({ exit: `the Ruby worker exited (code ${code})` }));
    this.booted = this.folderMade.then(async () => {
      const reply = await this.nextReply();
      if ('ready' in reply) return { ready: true as const };
      return { unavailable: 'exit' in reply ? reply.exit : (reply.crash ?? 'Ruby did not start') };
    });
    this.booted.catch(() => undefined);
  }

  private nextReply(): Promise<WorkerReply | { exit: string }> {
    const reply = this.inbox.shift() ?? this.ended;
    return reply ? Promise.resolve(reply) : new Promise((resolve) => this.waiting.push(resolve));
  }

  async run(job: SandboxJob, limits: SandboxLimits): Promise<SandboxOutcome> {
    const timeLimitMs = limits.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
    const memoryLimitMb = limits.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    // The copy's outcome: relative path → why the grader could not read that file, or why the copy failed.
    const copying = this.folderMade
      .then(() => materializeFiles(job.files, this.dir))
      .catch((error: Error) => `the repository could not be copied into ${this.dir}: ${error.message}`);
    const [boot, problems] = await Promise.all([this.booted, copying]);
    if ('unavailable' in boot) return { kind: 'unavailable', reason: boot.unavailable };
    if (typeof problems === 'string') return { kind: 'uncopied', reason: problems };
    const baseline = process.memoryUsage.rss();
    return new Promise<SandboxOutcome>((resolve) => {
      const finish = (outcome: SandboxOutcome): void => {
        clearTimeout(timer);
        clearInterval(watch);
        resolve(outcome);
      };
      // The clock starts with the job: Ruby's start-up does not count.
      const timer = setTimeout(() => finish({ kind: 'timeout', limitMs: timeLimitMs }), timeLimitMs);
      const watch = setInterval(() => {
        if (process.memoryUsage.rss() - baseline > memoryLimitMb * 1024 * 1024) finish({ kind: 'memory', limitMb: memoryLimitMb });
      }, MEMORY_POLL_MS);
      this.nextReply().then((reply) => {
        if ('exit' in reply) finish({ kind: 'crash', reason: reply.exit });
        else if ('json' in reply && reply.json !== undefined) finish({ kind: 'done', json: reply.json });
        else if ('crash' in reply && reply.crash !== undefined) finish({ kind: 'crash', reason: reply.crash });
      });
      this.worker.postMessage({ vagrantfile: `${SANDBOX_ROOT}/${job.vagrantfile}`, problems } satisfies WorkerJob);
    });
  }

  async dispose(): Promise<void> {
    await this.worker.terminate().catch(() => undefined);
    rmSync(this.base, { recursive: true, force: true });
    vmFolders.delete(this.base);
  }
}

/** The folders of this process's VMs, removed when it exits without ending them (watch mode's service, a crash). */
const vmFolders = new Set<string>();

function removedAtExit(folder: string): string {
  if (!process.listeners('exit').includes(removeVmFolders)) process.on('exit', removeVmFolders);
  vmFolders.add(folder);
  return folder;
}

function removeVmFolders(): void {
  for (const folder of vmFolders) rmSync(folder, { recursive: true, force: true });
  vmFolders.clear();
}

const spares: Array<Promise<RubyVm>> = [];
let warmCount = 0;

function bootVm(): Promise<RubyVm> {
  const vm = rubyModule().then((module) => new RubyVm(module));
  vm.catch(() => undefined);
  return vm;
}

function replenish(): void {
  while (spares.length < warmCount) spares.push(bootVm());
}

/** Starts compiling Ruby and booting `count` VMs now, for a process that will evaluate that many Vagrantfiles soon. */
export function prewarmSandbox(count = 1): void {
  while (spares.length < count) spares.push(bootVm());
}

/** Ends the VMs booted ahead that no job took (their threads would keep the process alive) and their folders. */
export async function releaseSandbox(): Promise<void> {
  warmCount = 0;
  const unused = spares.splice(0);
  await Promise.all(unused.map((vm) => vm.then((booted) => booted.dispose()).catch(() => undefined)));
}

/**
 * Keeps `count` VMs booted ahead of the next jobs (each holds ~100 MB): for a process that grades again
 * and again, such as watch mode's grading service. 0 stops booting spares.
 */
export function keepSandboxWarm(count: number): void {
  warmCount = count;
  replenish();
}

let queue: Promise<unknown> = Promise.resolve();

async function runJob(job: SandboxJob, limits: SandboxLimits): Promise<SandboxOutcome> {
  let vm: RubyVm;
  try {
    vm = await (spares.shift() ?? bootVm());
  } catch (error) {
    return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    replenish();
  }
  try {
    return await vm.run(job, limits);
  } finally {
    await vm.dispose();
  }
}

/** Runs one job in the sandbox after the ones already queued. */
export function runInSandbox(job: SandboxJob, limits: SandboxLimits = {}): Promise<SandboxOutcome> {
  const result = queue.then(() => runJob(job, limits));
  queue = result.catch(() => undefined);
  return result;
}
