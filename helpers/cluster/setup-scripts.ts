// Which of a part's scripts boot it (Part 3, bonus), in which order and from which folder. Students name
// their scripts freely, so this is a heuristic, documented in README.md and overridable (IOT_P3_SETUP,
// IOT_BONUS_SETUP: comma-separated paths relative to the target root, run in that order).
import { posix } from 'node:path';
import { isShellFile } from '../shell/files.ts';
import { parseMakefile, recipeAsShell, type Makefile } from '../shell/makefile.ts';
import { kubectlArgs } from '../shell/imperative.ts';
import { effective } from '../shell/invocation.ts';
import type { ScriptFacts, ShellCommand } from '../shell/model.ts';
import { partScriptFacts, shellTextFacts } from '../shell/part-scripts.ts';
import { createsK3dCluster, deletesK3dCluster, deploys, installsOnHost, k3dClusterName } from '../shell/script-actions.ts';
import type { SubjectPart } from '../target/layout.ts';
import type { Target, TargetFile } from '../target/repository.ts';

export interface PlannedScript {
  /** The script, or the Makefile for a make step; relative to the target root. */
  path: string;
  /** Folder to run it from, relative to the target root ('.' for the root). */
  cwd: string;
  why: string;
  /** `bash <path>`, or `make <target>` in cwd. */
  program: 'bash' | 'make';
  /** The make target (absent for a script). */
  target?: string;
  /** Arguments given to a script that dispatches on its first one (`case $1 in run) …`). */
  args: string[];
  /** The part's scripts this step runs: the script itself, or those the make target reaches. */
  scripts: string[];
  /**
   * The step ends in a foreground `kubectl port-forward` to this local port, which never returns by design:
   * the step is done once the port listens, and the process is left running until teardown.
   */
  holdsPort?: number;
}

export interface SkippedScript {
  path: string;
  why: string;
}

export interface ScriptPlan {
  run: PlannedScript[];
  skipped: SkippedScript[];
  /** True when at least one planned step creates a k3d cluster. */
  createsCluster: boolean;
  /** The k3d clusters the planned steps create by name (`k3d cluster create NAME`), for teardown. */
  clusters: string[];
}

/**
 * The part's scripts and its Makefile's recipes as the static checks read scripts (helpers/shell): commands
 * with wrappers removed and variables expanded, functions run where called, calls of other scripts of the part.
 */
export interface PlanReading {
  scripts: Map<string, ScriptFacts>;
  /** The Makefile at the part root: each target's recipe (prerequisites first) read as shell. */
  makefile?: { file: TargetFile; parsed: Makefile; recipes: Map<string, ScriptFacts> };
}

const isMakefile = (file: TargetFile): boolean => file.text !== undefined && /^(GNUmakefile|[Mm]akefile)$/.test(posix.basename(file.path));

const CLEANUP_NAME = /(clean|delete|destroy|teardown|uninstall|reset|stop|down|clear)[^/]*$/i;
const INSTALL_NAME = /(install|deps|dependenc|prereq|requirement|tools|docker)[^/]*$/i;
const CLEANUP_TARGET =
  /^(clean|fclean|re|destroy|delete|down|stop|halt|uninstall|reset|test|tests|check|status|help|logs?|ssh|password|.*-password|.*clean.*|.*destroy.*|.*delete.*)$/i;

/** The lines that run something: no comments, no echo/printf (a script named in a message is not run). */
export function codeLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line && !/^(echo|printf|log_\w+|cat\s*<<)\b/.test(line));
}

const MESSAGES = new Set(['echo', 'printf', ':', 'true']);

/**
 * The local port of a foreground `kubectl port-forward` that ends the script (it blocks until Ctrl-C), also
 * when the script ends by running another of the part's scripts that ends so, or a function that does.
 */
export function trailingPortForward(path: string, reading: PlanReading, seen = new Set<string>()): number | undefined {
  const facts = reading.scripts.get(path);
  if (!facts || seen.has(path)) return undefined;
  seen.add(path);
  const last = facts.commands.findLast((command) => !MESSAGES.has(effective(command).name) && !/^log/.test(effective(command).name));
  if (!last || last.background) return undefined;
  const port = portForwardPort(last);
  if (port !== undefined) return port;
  const callee = facts.callSites?.findLast((call) => call.location.line === last.location.line && !call.sourced);
  return callee ? trailingPortForward(callee.path, reading, seen) : undefined;
}

/** The local port of `kubectl port-forward … LOCAL:REMOTE`, when the command is one. */
function portForwardPort(command: ShellCommand): number | undefined {
  const kubectl = kubectlArgs(command);
  if (kubectl?.positionals[0]?.value !== 'port-forward') return undefined;
  const ports = kubectl.positionals.map((word) => /^(\d{2,5}):(\d{1,5})$/.exec(word.value)).find(Boolean);
  return ports ? Number(ports[1]) : undefined;
}

/** Every file of the part and every folder above one (relative to the target root). */
function knownPaths(files: TargetFile[]): Set<string> {
  const known = new Set<string>();
  for (const file of files) {
    for (let path = file.path; path && path !== '.'; path = posix.dirname(path)) known.add(path);
  }
  return known;
}

/** Relative paths a script names: ./x, ../x, a/b (not $VAR/x, not URLs, not absolute). */
const RELATIVE_PATH = /(?<![\w$}/.:-])(\.{1,2}\/[\w./-]*[\w-]|[A-Za-z_][\w.-]*\/[\w./-]*[\w-])/g;

/**
 * Folder to run from. A script that locates its files from its own path runs from its own folder; otherwise
 * the folder (its own, or one above it up to the target root) from which most of the relative paths it names
 * exist in the target (../confs → the scripts folder; confs/ or ./scripts/x.sh → the part root; p3/confs → the
 * root). Ties go to the script's own folder.
 */
export function workingFolder(file: TargetFile, known: Set<string>): { cwd: string; why: string } {
  const text = file.text ?? '';
  const folder = posix.dirname(file.path);
  if (/\$\(\s*dirname\s+["']?\$\{?(0|BASH_SOURCE)/.test(text) && /^\s*(cd|pushd)\s+["']?\$\(\s*dirname\b/m.test(text))
    return { cwd: folder, why: 'it changes to its own folder' };
  const tokens = [...new Set(codeLines(text).flatMap((line) => [...line.matchAll(RELATIVE_PATH)].map((m) => m[1]!.replace(/\/+$/, ''))))];
  let best = { cwd: folder, hits: [] as string[] };
  for (let cwd = folder; ; cwd = posix.dirname(cwd)) {
    const hits = tokens.filter((token) => {
      const resolved = posix.normalize(posix.join(cwd, token));
      return !resolved.startsWith('..') && known.has(resolved);
    });
    if (hits.length > best.hits.length) best = { cwd, hits };
    if (cwd === '.') break;
  }
  if (!best.hits.length)
    return {
      cwd: folder,
      why: /\$\(\s*dirname\s+["']?\$\{?(0|BASH_SOURCE)/.test(text) ? 'it locates its files from its own path' : 'its own folder',
    };
  const shown = best.hits.slice(0, 2).join(', ');
  return {
    cwd: best.cwd,
    why:
      best.cwd === folder
        ? `its relative paths (${shown}) resolve there`
        : `its relative paths (${shown}) resolve from ${best.cwd === '.' ? 'the target root' : best.cwd}`,
  };
}

/** Earlier is better: cluster creation, then Argo CD, then GitLab, then the app; other names last. */
function rank(file: TargetFile, createsCluster: boolean): number {
  const name = posix.basename(file.path).toLowerCase();
  if (createsCluster) return 0;
  if (/argo/.test(name)) return 1;
  if (/gitlab/.test(name)) return 2;
  if (/(app|deploy|launch|start|run)/.test(name)) return 3;
  return 4;
}

/** Within a rank, a script that installs or creates comes before one that configures or updates it. */
const laterInRank = (file: TargetFile): number => (/(config|update|sync)/i.test(posix.basename(file.path)) ? 1 : 0);

interface Classified {
  candidates: TargetFile[];
  skipped: SkippedScript[];
  /** Scripts that run something, by path, and the part's scripts they call. */
  calls: Map<string, TargetFile[]>;
}

/** What a script's recorded commands do (none for a script the analysis could not read). */
function commandsOf(reading: PlanReading, path: string): ScriptFacts['commands'] {
  return reading.scripts.get(path)?.commands ?? [];
}

/** The part's scripts a script (or recipe) calls or sources, in the order it does. */
function calledBy(facts: ScriptFacts | undefined, scripts: TargetFile[], self?: TargetFile): TargetFile[] {
  const called: TargetFile[] = [];
  for (const call of facts?.callSites ?? []) {
    const script = scripts.find((s) => s.path === call.path);
    if (script && script !== self && !called.includes(script)) called.push(script);
  }
  return called;
}

function classify(scripts: TargetFile[], reading: PlanReading): Classified {
  const calls = new Map(scripts.map((file) => [file.path, calledBy(reading.scripts.get(file.path), scripts, file)]));
  const creates = (file: TargetFile) => commandsOf(reading, file.path).some(createsK3dCluster);
  const cleanup = (file: TargetFile) => CLEANUP_NAME.test(file.path) && !creates(file);
  const deploying = new Set(scripts.filter((file) => !cleanup(file) && commandsOf(reading, file.path).some(deploys)));
  // A script that runs a deploying script deploys too (an entry point such as start.sh calling ./scripts/*.sh).
  for (let grew = true; grew; ) {
    grew = false;
    for (const file of scripts) {
      if (deploying.has(file) || cleanup(file) || !calls.get(file.path)!.some((callee) => deploying.has(callee))) continue;
      deploying.add(file);
      grew = true;
    }
  }
  const skipped: SkippedScript[] = [];
  const candidates: TargetFile[] = [];
  for (const file of scripts) {
    if (cleanup(file)) skipped.push({ path: file.path, why: 'a cleanup script' });
    else if (!deploying.has(file) && (INSTALL_NAME.test(file.path) || commandsOf(reading, file.path).some(installsOnHost)))
      skipped.push({ path: file.path, why: 'installs host tools only (preflight found them on this host)' });
    else if (!deploying.has(file)) skipped.push({ path: file.path, why: 'creates no cluster and applies nothing' });
    else candidates.push(file);
  }
  return { candidates, skipped, calls };
}

/** The script and every script it runs, each once. */
function reachedFrom(path: string, calls: Map<string, TargetFile[]>, seen = new Set<string>()): string[] {
  if (seen.has(path)) return [];
  seen.add(path);
  return [path, ...(calls.get(path) ?? []).flatMap((callee) => reachedFrom(callee.path, calls, seen))];
}

/** True when the script, or a script it runs, creates a k3d cluster. */
function createsClusterDeep(path: string, calls: Map<string, TargetFile[]>, reading: PlanReading): boolean {
  return reachedFrom(path, calls).some((reached) => commandsOf(reading, reached).some(createsK3dCluster));
}

/** The clusters a script, or a script it runs, creates by name. */
function clustersDeep(path: string, calls: Map<string, TargetFile[]>, reading: PlanReading): string[] {
  return reachedFrom(path, calls).flatMap((reached) =>
    commandsOf(reading, reached)
      .map(k3dClusterName)
      .filter((name): name is string => !!name),
  );
}

/**
 * The make target that boots the part, when the part root has a Makefile: `make` itself when the default
 * target runs a deploying script, else the target that runs the most deploying scripts (never a cleanup,
 * test or help target, nor one whose own recipe deletes a cluster).
 */
function makeStep(
  partRoot: string,
  scripts: TargetFile[],
  classified: Classified,
  reading: PlanReading,
): { step: PlannedScript; reached: TargetFile[] } | undefined {
  const make = reading.makefile;
  if (!make) return undefined;
  const { file, parsed: makefile } = make;
  const reachedBy = (target: string): TargetFile[] => calledBy(make.recipes.get(target), scripts);
  const eligible = (target: string): TargetFile[] | undefined => {
    const recipe = make.recipes.get(target)?.commands ?? [];
    const vagrant = (command: (typeof recipe)[number]) => {
      const [name, verb] = command.argv.map((word) => word.value);
      return name === 'vagrant' && (verb === 'up' || verb === 'destroy');
    };
    if (CLEANUP_TARGET.test(target) || recipe.some((command) => deletesK3dCluster(command) || vagrant(command))) return undefined;
    const reached = reachedBy(target);
    if (reached.some((script) => classified.skipped.some((s) => s.path === script.path && s.why === 'a cleanup script'))) return undefined;
    return reached.some((script) => classified.candidates.includes(script)) || recipe.some(deploys) ? reached : undefined;
  };
  let chosen: { target: string; reached: TargetFile[]; why: string } | undefined;
  const byDefault = makefile.defaultTarget ? eligible(makefile.defaultTarget) : undefined;
  if (makefile.defaultTarget && byDefault)
    chosen = {
      target: makefile.defaultTarget,
      reached: byDefault,
      why: `its default target "${makefile.defaultTarget}" runs the part's scripts`,
    };
  else {
    for (const name of makefile.targets.keys()) {
      const reached = eligible(name);
      const count = (list: TargetFile[]) => list.filter((s) => classified.candidates.includes(s)).length;
      if (reached && (!chosen || count(reached) > count(chosen.reached)))
        chosen = { target: name, reached, why: `target "${name}" runs the most of the part's scripts` };
    }
  }
  if (!chosen) return undefined;
  const last = chosen.reached.at(-1);
  const holdsPort = last ? trailingPortForward(last.path, reading) : undefined;
  return {
    step: {
      path: file.path,
      cwd: partRoot,
      why: chosen.why,
      program: 'make',
      target: chosen.target,
      args: [chosen.target],
      scripts: chosen.reached.map((s) => s.path),
      ...(holdsPort ? { holdsPort } : {}),
    },
    reached: chosen.reached,
  };
}

const BOOT_VERBS = ['all', 'up', 'run', 'start', 'deploy', 'launch', 'setup', 'create', 'init', 'install'];

/** For a script that dispatches on its first argument (`case "$1" in run) …`), the branch that boots. */
export function bootArgument(text: string): string | undefined {
  if (!/\bcase\s+["']?\$\{?1\}?["']?\s+in\b/.test(text)) return undefined;
  const branches = [...text.matchAll(/^\s*\(?((?:["']?[\w-]+["']?\s*\|\s*)*["']?[\w-]+["']?)\s*\)/gm)].flatMap((m) =>
    m[1]!.split('|').map((b) => b.trim().replace(/^["']|["']$/g, '')),
  );
  return BOOT_VERBS.find((verb) => branches.includes(verb));
}

function scriptStep(file: TargetFile, known: Set<string>, reading: PlanReading): PlannedScript {
  const folder = workingFolder(file, known);
  const holdsPort = trailingPortForward(file.path, reading);
  const argument = bootArgument(file.text ?? '');
  const why = argument ? `${folder.why}; it dispatches on its first argument, given "${argument}"` : folder.why;
  return {
    path: file.path,
    cwd: folder.cwd,
    why,
    program: 'bash',
    args: argument ? [argument] : [],
    scripts: [file.path],
    ...(holdsPort ? { holdsPort } : {}),
  };
}

/** Reads the part's scripts, and the recipes of the Makefile at its root, with the static checks' shell analysis. */
export async function readForPlan(target: Target, part: SubjectPart, partRoot: string): Promise<PlanReading> {
  const scripts = await partScriptFacts(target, part);
  const file = target.filesOf(part).find((f) => isMakefile(f) && posix.dirname(f.path) === partRoot);
  if (!file?.text) return { scripts };
  const parsed = parseMakefile(file.text);
  const recipes = new Map<string, ScriptFacts>();
  for (const name of parsed.targets.keys()) recipes.set(name, await shellTextFacts(target, part, file.path, recipeAsShell(parsed, name)));
  return { scripts, makefile: { file, parsed, recipes } };
}

/** The steps that boot the part (Part 3, bonus), from its first root; `override` names the scripts instead. */
export async function planScripts(target: Target, part: SubjectPart, override: string[] = []): Promise<ScriptPlan> {
  const partRoot = target.layout.parts[part].roots[0] ?? part;
  return planFromReading(target.filesOf(part), partRoot, await readForPlan(target, part, partRoot), override);
}

export function planFromReading(files: TargetFile[], partRoot: string, reading: PlanReading, override: string[] = []): ScriptPlan {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const known = knownPaths(files);
  const scripts = files.filter(isShellFile);
  const classified = classify(scripts, reading);
  const { calls } = classified;
  const deep = (path: string) => createsClusterDeep(path, calls, reading);
  const clustersOf = (steps: PlannedScript[]) => [
    ...new Set(steps.flatMap((step) => step.scripts.flatMap((path) => clustersDeep(path, calls, reading)))),
  ];
  if (override.length) {
    const run = override.map((path): PlannedScript => {
      const file = byPath.get(path);
      const step = file
        ? scriptStep(file, known, reading)
        : { path, cwd: posix.dirname(path), why: '', program: 'bash' as const, args: [], scripts: [path] };
      return { ...step, args: [], why: `named by the override variable; run from ${step.cwd}` };
    });
    return { run, skipped: [], createsCluster: run.some((s) => deep(s.path)), clusters: clustersOf(run) };
  }
  const make = makeStep(partRoot, scripts, classified, reading);
  if (make) {
    const reached = new Set(make.reached.map((s) => s.path));
    const skipped = [
      ...make.reached.map((s) => ({ path: s.path, why: `run by make ${make.step.target}` })),
      ...classified.skipped.filter((s) => !reached.has(s.path)),
      ...classified.candidates
        .filter((s) => !reached.has(s.path))
        .map((s) => ({ path: s.path, why: `not run by make ${make.step.target}` })),
    ];
    const recipe = reading.makefile!.recipes.get(make.step.target!)?.commands ?? [];
    return {
      run: [make.step],
      skipped,
      createsCluster: recipe.some(createsK3dCluster) || make.step.scripts.some(deep),
      clusters: [...new Set([...recipe.map(k3dClusterName).filter((name): name is string => !!name), ...clustersOf([make.step])])],
    };
  }
  const { candidates } = classified;
  const skipped = [...classified.skipped];
  // A script another candidate runs is run by its caller, not on its own (unless they call each other).
  const called = candidates.filter((file) =>
    candidates.some((other) => other !== file && calls.get(other.path)!.includes(file) && !calls.get(file.path)!.includes(other)),
  );
  for (const file of called)
    skipped.push({ path: file.path, why: `called by ${candidates.find((other) => calls.get(other.path)!.includes(file))!.path}` });
  // Two scripts creating the same named cluster are alternatives (one also installs the tools): run one.
  const installs = (file: TargetFile) => Number(commandsOf(reading, file.path).some(installsOnHost));
  const ownClusters = (file: TargetFile) =>
    commandsOf(reading, file.path)
      .map(k3dClusterName)
      .filter((name): name is string => !!name);
  const sameCluster = new Map<string, TargetFile>();
  for (const file of [...candidates].sort((a, b) => installs(a) - installs(b) || a.path.localeCompare(b.path))) {
    if (called.includes(file)) continue;
    const twin = ownClusters(file)
      .map((name) => sameCluster.get(name))
      .find(Boolean);
    if (twin) {
      called.push(file);
      skipped.push({ path: file.path, why: `creates the same cluster as ${twin.path}` });
    } else for (const name of ownClusters(file)) sameCluster.set(name, file);
  }
  const run = candidates
    .filter((file) => !called.includes(file))
    .sort((a, b) => rank(a, deep(a.path)) - rank(b, deep(b.path)) || laterInRank(a) - laterInRank(b) || a.path.localeCompare(b.path))
    .map((file) => scriptStep(file, known, reading));
  return { run, skipped, createsCluster: run.some((s) => deep(s.path)), clusters: clustersOf(run) };
}
