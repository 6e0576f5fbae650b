// @ts-check
// The worker thread that runs one Vagrantfile in CRuby (WebAssembly): a fresh Ruby VM, its folder
// preopened as /repo and nothing else, no standard streams, and sleeps that do not block. Started by
// ruby-sandbox.ts with the compiled module and the folder, it boots Ruby and says `ready`; the job
// comes later (the repository copy is in the folder by then), and the worker ends with it.
// Started with { compile: path } instead, it compiles the module and hands it back.
// Plain JavaScript, checked by tsc through JSDoc: a worker thread is a fresh isolate, and Node's type
// stripping would load its TypeScript parser again in each one (~60-120 ms per worker on 2 cores).
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';

/** @typedef {import('./ruby-sandbox.ts').WorkerBoot} WorkerBoot */
/** @typedef {import('./ruby-sandbox.ts').WorkerJob} WorkerJob */
/** @typedef {import('./ruby-sandbox.ts').WorkerReply} WorkerReply */

const silenced = process.emitWarning;
process.emitWarning = /** @type {typeof process.emitWarning} */ (
  /** @param {string | Error} warning @param {unknown[]} rest */
  (warning, ...rest) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/WASI/.test(text)) return;
    /** @type {(...args: unknown[]) => void} */ (silenced).call(process, warning, ...rest);
  }
);

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const PRELUDE = readFileSync(new URL('./prelude.rb', import.meta.url), 'utf8');
const RUBY_ARGS = ['ruby.wasm', '-EUTF-8', '--disable-gems', '-e_=0'];
/** Size of a WASI preview1 subscription record and offsets in it (wasi_snapshot_preview1 ABI). */
const SUBSCRIPTION_BYTES = 48;
const TAG_OFFSET = 8;
const CLOCK_TIMEOUT_OFFSET = 24;
const TAG_CLOCK = 0;

/** Ruby code that decodes a hex string: no quoting problem whatever the job holds. */
/** @param {string} text */
const rubyString = (text) => `['${Buffer.from(text, 'utf8').toString('hex')}'].pack('H*').force_encoding('UTF-8')`;

/**
 * Boots Ruby with the prelude, says ready, then runs the job the parent sends.
 * @param {WebAssembly.Module} module
 * @param {WorkerBoot} boot
 * @returns {Promise<WorkerReply>}
 */
async function serve(module, boot) {
  const [{ WASI }, { RubyVM }] = await Promise.all([import('node:wasi'), import('@ruby/wasm-wasi/dist/vm')]);
  const devNull = openSync('/dev/null', 'r+');
  try {
    const wasi = new WASI({
      version: 'preview1',
      args: RUBY_ARGS,
      env: { HOME: '/home/vagrant', LANG: 'C.UTF-8' },
      preopens: { [boot.mount]: boot.dir },
      stdin: devNull,
      stdout: devNull,
      stderr: devNull,
      returnOnExit: true,
    });
    /** @type {WebAssembly.Memory | undefined} */
    let memory;
    const wasiImport = { .../** @type {Record<string, (...args: number[]) => number>} */ (wasi.wasiImport) };
    const poll = /** @type {(...args: number[]) => number} */ (wasiImport.poll_oneoff);
    // A sleep (or any timed wait) would block this thread where terminate() cannot reach it:
    // every clock subscription expires at once.
    wasiImport.poll_oneoff = (input, output, count, events) => {
      if (memory) {
        const view = new DataView(memory.buffer);
        for (let i = 0; i < count; i++) {
          const base = input + i * SUBSCRIPTION_BYTES;
          if (view.getUint8(base + TAG_OFFSET) === TAG_CLOCK) view.setBigUint64(base + CLOCK_TIMEOUT_OFFSET, 0n, true);
        }
      }
      return poll(input, output, count, events);
    };
    const { vm } = await RubyVM.instantiateModule({
      module,
      wasip1: { wasiImport, initialize: (/** @type {WebAssembly.Instance} */ instance) => wasi.initialize(instance) },
      args: RUBY_ARGS,
      setMemory: (/** @type {WebAssembly.Memory} */ m) => {
        memory = m;
      },
    });
    vm.eval(PRELUDE);
    port.postMessage({ ready: true });
    /** @type {WorkerJob} */
    const job = await new Promise((resolve) => port.once('message', resolve));
    const request = JSON.stringify({ vagrantfile: job.vagrantfile, problems: job.problems });
    return { json: vm.eval(`IotSandbox.run(${rubyString(request)})`).toString() };
  } catch (error) {
    return { crash: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    closeSync(devNull);
  }
}

/** @type {{ compile: string } | { module: WebAssembly.Module; boot: WorkerBoot }} */
const data = workerData;
if ('compile' in data) port.postMessage(await WebAssembly.compile(await readFile(data.compile)));
else port.postMessage(await serve(data.module, data.boot));
