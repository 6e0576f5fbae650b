// The facts API of the shell analysis, memoised per grading run.
//
// Resolution of a script's placeholders:
// - machineScripts: each shell provisioner of the machine with its own `env:` and `args:`; a
//   script it calls by path gets the arguments of the call and inherits the provisioner's env and
//   what the caller exported (every variable, for `source`).
// - scriptFacts: every shell script of the part. A script that a provisioner of the part's
//   Vagrantfile runs by `path:` is resolved with the first such provisioner's env and args (in
//   the order of the Vagrantfile); a script that only other scripts call, or that no provisioner
//   runs (Part 3, bonus), is resolved with its own assignments and the .env values alone.
import type { GradingContext } from '../target/grading-context.ts';
import { caseVariantsOf } from '../target/case-variants.ts';
import { formatLocation } from '../target/location.ts';
import type { ManifestObject } from '../manifests/model.ts';
import { targetDotenv } from '../target/dotenv.ts';
import type { SubjectPart } from '../target/layout.ts';
import { describeProblem, type TargetFile } from '../target/repository.ts';
import { vagrantEvaluation } from '../vagrantfile/evaluate.ts';
import type { VagrantMachine, VagrantProvisioner } from '../vagrantfile/model.ts';
import { analyzeScript, emptyFacts, shebangShell } from './analyze.ts';
import { partFiles, shellFilesOf } from './files.ts';
import { kubectlObjects } from './imperative.ts';
import { k3sInstallsOf } from './k3s.ts';
import { isRemotePath, remoteScriptFacts } from './remote.ts';
import type { ScriptFacts, ScriptProblem } from './model.ts';
import { toolInstallsOf } from './tools.ts';

/** Every shell script under the part (by extension or shebang); unreadable ones carry `problem`. */
export function scriptFacts(ctx: GradingContext, part: SubjectPart): Promise<ScriptFacts[]> {
  return ctx.once(`shell:scripts:${part}`, async () => {
    const { target } = ctx;
    const runners = part === 'p1' || part === 'p2' ? await pathProvisioners(ctx, part) : [];
    const dotenv = targetDotenv(target, part);
    const out: ScriptFacts[] = [];
    for (const file of shellFilesOf(target, part)) {
      if (file.problem || file.text === undefined) {
        out.push(unreadable(file.path, fileProblem(file), dotenv));
        continue;
      }
      const runner = runners.find((candidate) => candidate.provisioner.resolvedPath === file.path);
      out.push(
        await analyzeScript({
          file: file.path,
          text: file.text,
          env: runner?.provisioner.env,
          args: runner?.provisioner.args,
          dotenv,
          files: partFiles(target, part, file.path, runner?.machine, runner?.provisioner),
        }),
      );
    }
    return out;
  });
}

/**
 * The scripts of a machine: its shell provisioners, inline or by path, and the scripts of the part
 * they call. A provisioner whose path: is a URL gives facts without a text (see remote.ts).
 */
export function machineScripts(ctx: GradingContext, part: 'p1' | 'p2', machine: VagrantMachine): Promise<ScriptFacts[]> {
  return ctx.once(`shell:machine:${part}:${machine.name}:${machine.location.line ?? 0}`, async () => {
    const { target } = ctx;
    const dotenv = targetDotenv(target, part);
    const vagrantfile = target.layout.parts[part].vagrantfile ?? machine.location.file;
    const out: ScriptFacts[] = [];
    const seen = new Set<string>();
    for (const provisioner of machine.provisioners) {
      if (provisioner.type !== 'shell') continue;
      if (provisioner.inline !== undefined) {
        const facts = await analyzeScript({
          file: vagrantfile,
          text: provisioner.inline,
          inlineLine: provisioner.location.line ?? machine.location.line ?? 1,
          env: provisioner.env,
          args: provisioner.args,
          dotenv,
          files: partFiles(target, part, vagrantfile, machine, provisioner),
        });
        out.push(facts, ...(await calledScripts(ctx, part, machine, provisioner, facts, dotenv, seen)));
        continue;
      }
      if (provisioner.path !== undefined && isRemotePath(provisioner.path)) {
        out.push(remoteScriptFacts(vagrantfile, provisioner, provisioner.path, dotenv));
        continue;
      }
      const path = provisioner.resolvedPath;
      if (!path) {
        out.push(
          unreadable(
            provisioner.path ?? vagrantfile,
            {
              kind: 'outside-repository',
              message: `the shell provisioner at ${where(provisioner)} runs ${provisioner.path ?? 'a script'}, which is outside the repository`,
            },
            dotenv,
          ),
        );
        continue;
      }
      seen.add(path);
      const file = target.file(path);
      if (!file) {
        const variants = caseVariantsOf(target, path, false);
        const hint = variants.length
          ? ` (${list(variants)} exist${variants.length === 1 ? 's' : ''}: names are case-sensitive on Linux)`
          : '';
        const message = `the shell provisioner at ${where(provisioner)} runs ${path}, which does not exist${hint}`;
        out.push(unreadable(path, { kind: 'missing', message }, dotenv));
        continue;
      }
      if (file.problem || file.text === undefined) {
        out.push(unreadable(path, fileProblem(file), dotenv));
        continue;
      }
      const facts = await analyzeScript({
        file: path,
        text: file.text,
        env: provisioner.env,
        args: provisioner.args,
        dotenv,
        files: partFiles(target, part, path, machine, provisioner),
      });
      out.push(facts, ...(await calledScripts(ctx, part, machine, provisioner, facts, dotenv, seen)));
    }
    mergeMachineConfigs(out, (file) => partFiles(target, part, file, machine));
    return out;
  });
}

async function calledScripts(
  ctx: GradingContext,
  part: SubjectPart,
  machine: VagrantMachine,
  provisioner: VagrantProvisioner,
  caller: ScriptFacts,
  dotenv: Record<string, string>,
  seen: Set<string>,
): Promise<ScriptFacts[]> {
  const out: ScriptFacts[] = [];
  const env = provisioner.env;
  for (const call of caller.callSites ?? []) {
    if (seen.has(call.path)) continue;
    seen.add(call.path);
    const file = ctx.target.file(call.path);
    if (!file || file.problem || file.text === undefined) {
      if (file) out.push(unreadable(call.path, fileProblem(file), dotenv));
      continue;
    }
    const facts = await analyzeScript({
      file: call.path,
      text: file.text,
      env,
      args: call.sourced && !call.args.length ? caller.resolvedWith?.args : call.args,
      inherited: call.vars,
      dotenv,
      files: partFiles(ctx.target, part, call.path, machine, provisioner),
    });
    out.push(facts, ...(await calledScripts(ctx, part, machine, provisioner, facts, dotenv, seen)));
  }
  return out;
}

/** A K3s config file written by one script of a machine applies to the K3s installed by another. */
function mergeMachineConfigs(scripts: ScriptFacts[], filesOf: (file: string) => ReturnType<typeof partFiles>): void {
  const written = scripts.flatMap((script) => script.writtenFiles);
  for (const script of scripts) {
    if (!script.parsed) continue;
    script.k3sInstalls = k3sInstallsOf(script, written, filesOf(script.file));
    script.toolInstalls = toolInstallsOf(script, script.k3sInstalls);
  }
}

/**
 * Objects the part's scripts create with `kubectl create deployment|namespace` and `kubectl expose`;
 * `declared`: the part's YAML objects, which an expose of a workload applied from a file reads.
 */
export function imperativeObjects(
  ctx: GradingContext,
  part: SubjectPart,
  declared: readonly ManifestObject[] = [],
): Promise<ManifestObject[]> {
  return ctx.once(`shell:objects:${part}`, async () => kubectlObjects(await scriptFacts(ctx, part), declared));
}

async function pathProvisioners(
  ctx: GradingContext,
  part: 'p1' | 'p2',
): Promise<Array<{ machine: VagrantMachine; provisioner: VagrantProvisioner }>> {
  const evaluation = await vagrantEvaluation(ctx, part);
  if (!evaluation?.ok) return [];
  return evaluation.config.machines.flatMap((machine) =>
    machine.provisioners
      .filter((provisioner) => provisioner.type === 'shell' && provisioner.resolvedPath)
      .map((provisioner) => ({ machine, provisioner })),
  );
}

/** A committed file that cannot be read as a script: a symbolic link out of the repository or to nothing, or not text. */
function fileProblem(file: TargetFile): ScriptProblem {
  const kind =
    file.problem?.kind === 'symlink-outside' ? 'outside-repository' : file.problem?.kind === 'broken-symlink' ? 'missing' : 'unreadable';
  return { kind, message: describeProblem(file) };
}

function unreadable(file: string, problem: ScriptProblem, dotenv: Record<string, string>): ScriptFacts {
  return { ...emptyFacts(file, shebangShell(''), { env: {}, dotenv }), problem };
}

const list = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

const where = (provisioner: VagrantProvisioner): string => formatLocation(provisioner.location);
