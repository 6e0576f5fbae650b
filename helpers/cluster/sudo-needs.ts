// Whether the scripts a live run is about to start need sudo, and whether sudo can answer them here. The
// scripts run without a terminal (in a session of their own), so a sudo that wants a password fails at once,
// and the failure would be blamed on the cluster. Read with the shell analysis (helpers/shell): commands, not
// text, so `echo "needs sudo"` or a comment does not count, and a script another one runs is followed.
import { existsSync } from 'node:fs';
import { which } from 'zx';
import { analyzeScript } from '../shell/analyze.ts';
import { partFiles } from '../shell/files.ts';
import { baseName } from '../shell/invocation.ts';
import { parseMakefile, recipeAsShell } from '../shell/makefile.ts';
import type { ShellCommand } from '../shell/model.ts';
import { targetDotenv } from '../target/dotenv.ts';
import type { SubjectPart } from '../target/layout.ts';
import type { Target } from '../target/repository.ts';
import { formatCommand, type CommandRunner } from './command-runner.ts';
import type { ScriptPlan } from './setup-scripts.ts';

export interface SudoUse {
  /** Where, relative to the target root: "p3/scripts/setup.sh:12". */
  at: string;
  command: string;
}

const GUARD_TOOL = /^(?:command\s+-v|which|type|hash)\s+(\S+)$/;
const GUARD_PATH = /-[xfe]\s+["']?([^\s"'\]]+)/;

/**
 * A command behind a guard runs only when what the guard looks for is missing (the shell analysis records
 * `if ! command -v docker; then sudo apt-get install docker.io; fi` that way): it will not run on this host
 * when the tool or file is here.
 */
async function skippedHere(command: ShellCommand, env: Record<string, string | undefined>): Promise<boolean> {
  const guard = command.guardedBy?.trim();
  if (!guard) return false;
  const tool = GUARD_TOOL.exec(guard)?.[1];
  if (tool) return !!(await which(tool, { path: env.PATH ?? '', nothrow: true }));
  const path = GUARD_PATH.exec(guard)?.[1];
  return path ? path.startsWith('/') && existsSync(path) : false;
}

/** Every sudo the planned steps would run on this host (the scripts, what they call, a make recipe). */
export async function sudoUses(
  target: Target,
  part: SubjectPart,
  plan: ScriptPlan,
  env: Record<string, string | undefined> = process.env,
): Promise<SudoUse[]> {
  const dotenv = targetDotenv(target, part);
  const uses: SudoUse[] = [];
  const seen = new Set<string>();
  const visit = async (file: string, text: string): Promise<void> => {
    const facts = await analyzeScript({ file, text, dotenv, files: partFiles(target, part, file) });
    for (const command of facts.commands) {
      const argv = command.argv.map((word) => word.value);
      if (baseName(argv[0] ?? '') !== 'sudo' || (await skippedHere(command, env))) continue;
      uses.push({ at: `${command.location.file}:${command.location.line ?? '?'}`, command: formatCommand(argv[0]!, argv.slice(1)) });
    }
    for (const called of facts.calls) await visitFile(called);
  };
  const visitFile = async (path: string): Promise<void> => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = target.file(path)?.text;
    if (text !== undefined) await visit(path, text);
  };
  for (const step of plan.run) {
    if (step.program === 'make' && step.target) {
      const makefile = target.file(step.path)?.text;
      if (makefile !== undefined) await visit(step.path, recipeAsShell(parseMakefile(makefile), step.target));
    }
    for (const script of step.scripts) await visitFile(script);
  }
  return uses;
}

/**
 * Why the planned steps cannot run here, or undefined. sudo is asked the way the scripts will ask it: from a
 * process in a session of its own, with no terminal (`sudo -n true`). Root needs no sudo.
 */
export async function sudoProblem(
  uses: SudoUse[],
  runner: CommandRunner,
  env: Record<string, string | undefined> = process.env,
  uid: number = process.getuid?.() ?? -1,
): Promise<string | undefined> {
  if (uses.length === 0 || uid === 0) return undefined;
  const first = `${uses[0]!.at} runs \`${uses[0]!.command}\`${uses.length > 1 ? ` (and ${uses.length - 1} more sudo command${uses.length > 2 ? 's' : ''})` : ''}`;
  if (!(await which('sudo', { path: env.PATH ?? '', nothrow: true })))
    return `${first}, and sudo is not installed here: install it and allow your user to use it without a password, or run the suite as root`;
  const started = runner.start('sudo', ['-n', 'true'], { env });
  const result = await started.exited;
  if (result.exitCode === 0) return undefined;
  const said = (result.stderr || result.stdout).trim().split('\n')[0] || `exit code ${result.exitCode}`;
  return (
    `${first}, and sudo asks for a password here (\`sudo -n true\`: ${said}). The scripts run without a terminal, so ` +
    'sudo cannot ask, and `sudo -v` beforehand does not help: sudo keeps its credentials per terminal. Run the suite ' +
    'where sudo needs no password (a NOPASSWD sudoers rule for your user, a CI runner, or as root); a script that ' +
    'calls sudo only for docker or k3d needs no sudo when your user may use Docker (the docker group)'
  );
}
