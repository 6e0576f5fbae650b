// Evaluates a target's Vagrantfile with real Ruby in the sandbox and types the recording.
// Every failure a student can cause comes back as { ok: false, message, fix, line }.
import { posix } from 'node:path';
import type { GradingContext } from '../target/grading-context.ts';
import type { Location } from '../target/location.ts';
import { describeProblem, type TargetFile } from '../target/repository.ts';
import type {
  VagrantConfig,
  VagrantEvaluation,
  VagrantMachine,
  VagrantNetwork,
  VagrantProvider,
  VagrantProvisioner,
  VagrantSyncedFolder,
} from './model.ts';
import { runInSandbox, SANDBOX_ROOT, type SandboxLimits, type SandboxOutcome } from './ruby-sandbox.ts';

export type EvaluateOptions = SandboxLimits;

interface RawLocation {
  file: string;
  line?: number | null;
}

interface RawMachine {
  name: string;
  location: RawLocation | null;
  box: string | null;
  boxLocation: RawLocation | null;
  boxUrl: string | null;
  boxVersion: string | null;
  hostname: string | null;
  networks: Array<{ type: string; ip: string | null; options: Record<string, unknown>; location: RawLocation | null }>;
  providers: Record<string, { memory: unknown; cpus: unknown; settings: Record<string, unknown>; location: RawLocation | null }>;
  provisioners: Array<{
    type: string;
    name: string | null;
    inline: string | null;
    path: string | null;
    env: Record<string, string>;
    args: string[];
    options: Record<string, unknown>;
    location: RawLocation | null;
  }>;
  syncedFolders: Array<{ source: unknown; destination: unknown; options: Record<string, unknown>; location: RawLocation | null }>;
}

type RawResult =
  | { ok: true; machines: RawMachine[]; notes: string[] }
  | {
      ok: false;
      kind: 'syntax' | 'exception' | 'exit' | 'no-configuration' | 'internal';
      class?: string;
      file?: string | null;
      line?: number | null;
      message?: string;
      notes?: string[];
    };

type VagrantFailure = Extract<VagrantEvaluation, { ok: false }>;

/** Evaluates the Vagrantfile at `vagrantfile` (relative to the target root) among the target's files. */
export async function evaluateVagrantfile(
  target: { files: readonly TargetFile[] },
  vagrantfile: string,
  options: EvaluateOptions = {},
): Promise<VagrantEvaluation> {
  const file = target.files.find((candidate) => candidate.path === vagrantfile);
  if (!file) return { ok: false, file: vagrantfile, message: `${vagrantfile} does not exist`, fix: `add ${vagrantfile}` };
  if (file.problem || file.text === undefined) {
    return { ok: false, file: vagrantfile, message: describeProblem(file), fix: `commit ${vagrantfile} as a plain text Ruby file` };
  }
  return interpret(await runInSandbox({ files: target.files, vagrantfile }, options), vagrantfile);
}

/** The evaluation of a part's Vagrantfile, once per grading run; undefined when the layout's Vagrantfile is absent (G-LAYOUT). */
export function vagrantEvaluation(ctx: GradingContext, part: 'p1' | 'p2'): Promise<VagrantEvaluation | undefined> {
  return ctx.once(`vagrantfile:${part}`, async () => {
    const path = ctx.target.layout.parts[part].vagrantfile;
    if (!path || !ctx.target.file(path)) return undefined;
    return evaluateVagrantfile(ctx.target, path);
  });
}

function interpret(outcome: SandboxOutcome, vagrantfile: string): VagrantEvaluation {
  const failed = (message: string, fix: string): VagrantFailure => ({ ok: false, file: vagrantfile, message, fix });
  switch (outcome.kind) {
    case 'timeout':
      return failed(
        `${vagrantfile} did not finish in ${Math.round(outcome.limitMs / 100) / 10} s: an endless loop?`,
        'make every loop in the Vagrantfile end by itself; the grader runs no command and answers every sleep at once, so a loop that waits for a command, a file or the clock never ends',
      );
    case 'memory':
      return failed(
        `${vagrantfile} used more than ${outcome.limitMb} MB of memory while being evaluated: a runaway allocation?`,
        'remove the code that builds huge strings or lists',
      );
    case 'unavailable':
      // Not the student's doing: the check reports a grader failure (see checks/grade.ts).
      throw new Error(
        `Ruby could not start in the sandbox (${outcome.reason.split('\n')[0]}); reinstall the suite's dependencies (npm ci)`,
      );
    case 'uncopied':
      throw new Error(`${outcome.reason.split('\n')[0]}: check that this folder has free space, then grade again`);
    case 'crash':
      return failed(
        `${vagrantfile} stopped the Ruby interpreter (${/call stack|stack level/i.test(outcome.reason) ? 'stack overflow: a method that calls itself without end?' : outcome.reason.split('\n')[0]!.slice(0, 200)})`,
        'fix the Vagrantfile so that `vagrant validate` runs it to the end',
      );
    case 'done':
      break;
  }
  // A result the grader cannot read is the grader's bug: thrown, the check reports it as such.
  const raw = JSON.parse(outcome.json) as RawResult;
  if (raw.ok) return { ok: true, file: vagrantfile, config: toConfig(raw, vagrantfile) };

  const file = raw.file || vagrantfile;
  const line = raw.line ?? undefined;
  const where = line ? `${file}:${line}` : file;
  // The error may sit in a file the Vagrantfile loads: the line is given only for the Vagrantfile itself.
  const failedAt = (message: string, fix: string): VagrantFailure => ({
    ...failed(message, fix),
    ...(line && file === vagrantfile ? { line } : {}),
    location: { file, ...(line ? { line } : {}) },
  });
  const notes = raw.notes?.length ? ` (the grader also noted: ${raw.notes.slice(0, 3).join('; ')})` : '';
  switch (raw.kind) {
    case 'syntax':
      return failedAt(
        `${where}: syntax error, ${raw.message}`,
        `fix the Ruby syntax${line ? ` near line ${line}` : ''} of ${file} (\`ruby -c ${file}\` shows the error)`,
      );
    case 'no-configuration':
      return failed(
        `${vagrantfile} defines no Vagrant configuration: it never calls Vagrant.configure("2")${notes}`,
        'put the settings in a block: Vagrant.configure("2") do |config| … end',
      );
    case 'exit':
      return failedAt(
        `${where}: the Vagrantfile ${raw.message}, before Vagrant reads its configuration${notes}`,
        `remove the exit at line ${line ?? '?'} of ${file}`,
      );
    case 'internal':
      throw new Error(`the grader failed while recording ${vagrantfile}: ${raw.message}`);
    case 'exception':
      return failedAt(`${where}: ${exceptionText(raw.class, raw.message)}${notes}`, exceptionFix(raw.class, file, line));
  }
}

/** Errors the sandbox raises with a message written for the student: shown without a class name. */
const SANDBOX_ERRORS = new Set(['IotSandbox::OutsideRepository', 'IotSandbox::UnreadableFile']);

function exceptionText(cls: string | undefined, message: string | undefined): string {
  const text = message ?? '';
  if (cls && SANDBOX_ERRORS.has(cls)) return text;
  if (cls === 'Errno::ENOTCAPABLE') return `${text.replace(/^Capabilities insufficient/, 'outside the repository')} (${cls})`;
  return cls ? `${cls}: ${text}` : text;
}

function exceptionFix(cls: string | undefined, file: string, line: number | undefined): string {
  switch (cls) {
    case 'IotSandbox::OutsideRepository':
    case 'Errno::ENOTCAPABLE':
      return 'keep every file the Vagrantfile reads inside the repository and name it relative to the Vagrantfile, or guard the read with File.exist?: the grader sees only the repository';
    case 'IotSandbox::UnreadableFile':
      return 'commit the file the Vagrantfile reads as plain text inside the repository';
    case 'Errno::ENOENT':
      return 'commit the file the Vagrantfile reads, or name it relative to the Vagrantfile (Vagrant runs it from its own folder)';
    case 'LoadError':
      return 'require only Ruby standard libraries or files inside the repository; guard plugin code with Vagrant.has_plugin?';
    default:
      return `fix line ${line ?? '?'} of ${file}: Vagrant stops there with the same error`;
  }
}

function toConfig(raw: { machines: RawMachine[]; notes: string[] }, vagrantfile: string): VagrantConfig {
  const folder = posix.dirname(vagrantfile);
  const locate = (location: RawLocation | null): Location =>
    location ? { file: location.file, ...(location.line ? { line: location.line } : {}) } : { file: vagrantfile };
  const machines = raw.machines.map((machine): VagrantMachine => {
    const networks = machine.networks.map(
      (network): VagrantNetwork => ({
        type: network.type,
        ...(network.ip ? { ip: network.ip } : {}),
        options: network.options ?? {},
        location: locate(network.location),
      }),
    );
    const providers: Record<string, VagrantProvider> = {};
    for (const [name, provider] of Object.entries(machine.providers)) {
      const settings = provider.settings ?? {};
      const memory = resource(provider.memory) ?? derivedResource(settings, 'memory');
      const cpus = resource(provider.cpus) ?? derivedResource(settings, 'cpus');
      providers[name] = {
        ...(memory !== undefined ? { memory } : {}),
        ...(cpus !== undefined ? { cpus } : {}),
        settings,
        location: locate(provider.location),
      };
    }
    const provisioners = machine.provisioners.map((provisioner): VagrantProvisioner => {
      const resolvedPath = provisioner.path ? resolveInRepository(provisioner.path, folder) : undefined;
      return {
        type: provisioner.type,
        ...(provisioner.name ? { name: provisioner.name } : {}),
        ...(provisioner.inline !== null ? { inline: provisioner.inline } : {}),
        ...(provisioner.path ? { path: provisioner.path } : {}),
        ...(resolvedPath ? { resolvedPath } : {}),
        env: provisioner.env ?? {},
        args: provisioner.args ?? [],
        options: provisioner.options ?? {},
        location: locate(provisioner.location),
      };
    });
    const syncedFolders = machine.syncedFolders.map(
      (folder): VagrantSyncedFolder => ({
        source: String(folder.source ?? ''),
        ...(folder.destination !== null && folder.destination !== undefined ? { destination: String(folder.destination) } : {}),
        options: folder.options ?? {},
        location: locate(folder.location),
      }),
    );
    return {
      name: machine.name,
      ...(machine.box ? { box: machine.box } : {}),
      ...(machine.box && machine.boxLocation ? { boxLocation: locate(machine.boxLocation) } : {}),
      ...(machine.boxUrl ? { boxUrl: machine.boxUrl } : {}),
      ...(machine.boxVersion ? { boxVersion: machine.boxVersion } : {}),
      ...(machine.hostname !== null ? { hostname: machine.hostname } : {}),
      networks,
      providers,
      provisioners,
      syncedFolders,
      location: locate(machine.location),
    };
  });
  return { machines, notes: raw.notes };
}

const resource = (value: unknown): number | string | undefined =>
  typeof value === 'number' || typeof value === 'string' ? value : undefined;

/** Memory or CPUs set another way: VirtualBox `customize ["modifyvm", :id, "--memory", N]`, VMware `vmx["memsize"]`. */
function derivedResource(settings: Record<string, unknown>, kind: 'memory' | 'cpus'): number | string | undefined {
  const flag = kind === 'memory' ? '--memory' : '--cpus';
  const customize = Array.isArray(settings.customize) ? settings.customize : [];
  let found: number | string | undefined;
  for (const call of customize) {
    if (!Array.isArray(call)) continue;
    const at = call.indexOf(flag);
    if (at >= 0) found = resource(call[at + 1]) ?? found;
  }
  if (found !== undefined) return found;
  const vmx = settings.vmx;
  if (vmx && typeof vmx === 'object') return resource((vmx as Record<string, unknown>)[kind === 'memory' ? 'memsize' : 'numvcpus']);
  return undefined;
}

/** A provisioner path, relative to the target root (posix), or undefined when it leaves the repository. */
export function resolveInRepository(path: string, folder: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return undefined;
  let relative: string;
  if (path === SANDBOX_ROOT || path.startsWith(`${SANDBOX_ROOT}/`)) relative = posix.normalize(path.slice(SANDBOX_ROOT.length + 1));
  else if (path.startsWith('/') || path.startsWith('~')) return undefined;
  else relative = posix.normalize(posix.join(folder, path));
  if (relative === '..' || relative.startsWith('../') || relative === '.' || relative === '') return undefined;
  return relative;
}
