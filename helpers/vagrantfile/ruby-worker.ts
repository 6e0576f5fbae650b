// The worker thread that runs one Vagrantfile in CRuby (WebAssembly): a fresh Ruby VM, its folder
// preopened as /repo and nothing else, no standard streams, and sleeps that do not block. Started by
// ruby-sandbox.ts with the compiled module and the folder, it boots Ruby and says `ready`; the job
// comes later (the repository copy is in the folder by then), and the worker ends with it.
// Started with { compile: path } instead, it compiles the module and hands it back.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerBoot, WorkerJob, WorkerReply } from './ruby-sandbox.ts';

const silenced = process.emitWarning;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (/WASI/.test(text)) return;
  (silenced as (...args: unknown[]) => void).call(process, warning, ...rest);
}) as typeof process.emitWarning;

const { WASI } = await import('node:wasi');
const { RubyVM } = await import('@ruby/wasm-wasi/dist/vm');

const PRELUDE = readFileSync(new URL('./prelude.rb', import.meta.url), 'utf8');
const RUBY_ARGS = ['ruby.wasm', '-EUTF-8', '--disable-gems', '-e_=0'];
/** Size of a WASI preview1 subscription record and offsets in it (wasi_snapshot_preview1 ABI). */
const SUBSCRIPTION_BYTES = 48;
const TAG_OFFSET = 8;
const CLOCK_TIMEOUT_OFFSET = 24;
const TAG_CLOCK = 0;

/** Ruby code that decodes a hex string: no quoting problem whatever the job holds. */
const rubyString = (text: string): string => `['${Buffer.from(text, 'utf8').toString('hex')}'].pack('H*').force_encoding('UTF-8')`;

/** Boots Ruby with the prelude, says ready, then runs the job the parent sends. */
async function serve(module: WebAssembly.Module, boot: WorkerBoot): Promise<WorkerReply> {
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
    let memory: WebAssembly.Memory | undefined;
    const wasiImport = { ...(wasi.wasiImport as Record<string, (...args: number[]) => number>) };
    const poll = wasiImport.poll_oneoff!;
    // A sleep (or any timed wait) would block this thread where terminate() cannot reach it:
    // every clock subscription expires at once.
    wasiImport.poll_oneoff = (input: number, output: number, count: number, events: number): number => {
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
      wasip1: { wasiImport, initialize: (instance: WebAssembly.Instance) => wasi.initialize(instance) },
      args: RUBY_ARGS,
      setMemory: (m: WebAssembly.Memory) => {
        memory = m;
      },
    });
    vm.eval(PRELUDE);
    parentPort!.postMessage({ ready: true });
    const job = await new Promise<WorkerJob>((resolve) => parentPort!.once('message', resolve));
    const request = JSON.stringify({ vagrantfile: job.vagrantfile, problems: job.problems });
    return { json: vm.eval(`IotSandbox.run(${rubyString(request)})`).toString() };
  } catch (error) {
    return { crash: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    closeSync(devNull);
  }
}

const data = workerData as { compile: string } | { module: WebAssembly.Module; boot: WorkerBoot };
if ('compile' in data) parentPort!.postMessage(await WebAssembly.compile(await readFile(data.compile)));
else parentPort!.postMessage(await serve(data.module, data.boot));
