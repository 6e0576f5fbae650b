// Which of a part's scripts boot it (Part 3, bonus), in which order and from which folder. Students name
// their scripts freely, so this is a heuristic, documented in README.md and overridable (IOT_P3_SETUP,
// IOT_BONUS_SETUP: comma-separated paths relative to the target root, run in that order).
import { posix } from 'node:path';
import type { TargetFile } from '../target/repository.ts';
import { parseMakefile, recipeOf, type Makefile } from './makefile-targets.ts';

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
}

const isShellScript = (file: TargetFile): boolean =>
  file.text !== undefined && (/\.(sh|bash)$/.test(file.path) || /^#!.*\b(ba|da|z)?sh\b/.test(file.text));
const isMakefile = (file: TargetFile): boolean => file.text !== undefined && /^(GNUmakefile|[Mm]akefile)$/.test(posix.basename(file.path));

const CREATES_CLUSTER = /\bk3d\s+cluster\s+create\b/;
const DEPLOYS = /\b(kubectl\s+(apply|create)|helm\s+(install|upgrade)|argocd\s+(app|login)|k3d\s+cluster\s+create)\b/;
const CLEANUP_NAME = /(clean|delete|destroy|teardown|uninstall|reset|stop|down|clear)[^/]*$/i;
const INSTALL_NAME = /(install|deps|dependenc|prereq|requirement|tools|docker)[^/]*$/i;
const HOST_INSTALL = /\b(apt(-get)?\s+install|get\.docker\.com|install\s+-m|dnf\s+install|yum\s+install|brew\s+install)\b/;
const CLEANUP_TARGET =
  /^(clean|fclean|re|destroy|delete|down|stop|halt|uninstall|reset|test|tests|check|status|help|logs?|ssh|password|.*-password|.*clean.*|.*destroy.*|.*delete.*)$/i;
const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/** The lines that run something: no comments, no echo/printf (a script named in a message is not run). */
export function codeLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line && !/^(echo|printf|log_\w+|cat\s*<<)\b/.test(line));
}

/** Where a line invokes (or sources) a script with this path's file name; -1 when it does not. */
function mentionAt(line: string, path: string): number {
  return line.search(new RegExp(`(^|[\\s/"'=(])${posix.basename(path).replace(ESCAPE, '\\$&')}(?![\\w.-])`));
}

/** True when one of the lines invokes (or sources) a script with this path's file name. */
export function mentionsScript(lines: string[], path: string): boolean {
  return lines.some((line) => mentionAt(line, path) >= 0);
}

/**
 * The local port of a foreground `kubectl port-forward` that ends the script (it blocks until Ctrl-C), also
 * when the script ends by running another of the part's scripts that ends so.
 */
export function trailingPortForward(text: string, scripts: TargetFile[] = [], seen = new Set<string>()): number | undefined {
  const last = codeLines(text).at(-1) ?? '';
  if (/&\s*(disown)?\s*$/.test(last)) return undefined;
  if (/\bkubectl\b.*\bport-forward\b/.test(last)) {
    const ports = /\s(\d{2,5}):(\d{1,5})(?![\w.:-])/.exec(` ${last}`);
    return ports ? Number(ports[1]) : undefined;
  }
  const callee = scripts.find((script) => !seen.has(script.path) && mentionAt(last, script.path) >= 0);
  if (!callee) return undefined;
  seen.add(callee.path);
  return trailingPortForward(callee.text ?? '', scripts, seen);
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
  /** Scripts that run something, by path, and what they call. */
  calls: Map<string, TargetFile[]>;
}

function classify(scripts: TargetFile[]): Classified {
  const lines = new Map(scripts.map((file) => [file.path, codeLines(file.text ?? '')]));
  const calls = new Map(
    scripts.map((file) => [file.path, scripts.filter((other) => other !== file && mentionsScript(lines.get(file.path)!, other.path))]),
  );
  const cleanup = (file: TargetFile) => CLEANUP_NAME.test(file.path) && !CREATES_CLUSTER.test(file.text ?? '');
  const deploys = new Set(scripts.filter((file) => !cleanup(file) && DEPLOYS.test(file.text ?? '')));
  // A script that runs a deploying script deploys too (an entry point such as start.sh calling ./scripts/*.sh).
  for (let grew = true; grew; ) {
    grew = false;
    for (const file of scripts) {
      if (deploys.has(file) || cleanup(file) || !calls.get(file.path)!.some((callee) => deploys.has(callee))) continue;
      deploys.add(file);
      grew = true;
    }
  }
  const skipped: SkippedScript[] = [];
  const candidates: TargetFile[] = [];
  for (const file of scripts) {
    if (cleanup(file)) skipped.push({ path: file.path, why: 'a cleanup script' });
    else if (!deploys.has(file) && (INSTALL_NAME.test(file.path) || HOST_INSTALL.test(file.text ?? '')))
      skipped.push({ path: file.path, why: 'installs host tools only (preflight found them on this host)' });
    else if (!deploys.has(file)) skipped.push({ path: file.path, why: 'creates no cluster and applies nothing' });
    else candidates.push(file);
  }
  return { candidates, skipped, calls };
}

/** True when the script, or a script it runs, creates a k3d cluster. */
function createsClusterDeep(file: TargetFile, calls: Map<string, TargetFile[]>, seen = new Set<string>()): boolean {
  if (seen.has(file.path)) return false;
  seen.add(file.path);
  return CREATES_CLUSTER.test(file.text ?? '') || (calls.get(file.path) ?? []).some((callee) => createsClusterDeep(callee, calls, seen));
}

/**
 * The make target that boots the part, when the part root has a Makefile: `make` itself when the default
 * target runs a deploying script, else the target that runs the most deploying scripts (never a cleanup,
 * test or help target, nor one whose own recipe deletes a cluster).
 */
function makeStep(
  files: TargetFile[],
  partRoot: string,
  scripts: TargetFile[],
  classified: Classified,
): { step: PlannedScript; reached: TargetFile[] } | undefined {
  const file = files.find((f) => isMakefile(f) && posix.dirname(f.path) === partRoot);
  if (!file) return undefined;
  const makefile: Makefile = parseMakefile(file.text ?? '');
  const reachedBy = (target: string): TargetFile[] => {
    const recipe = codeLines(recipeOf(makefile, target).join('\n'));
    const reached: TargetFile[] = [];
    for (const line of recipe) {
      const here = scripts
        .map((script) => ({ script, at: mentionAt(line, script.path) }))
        .filter((m) => m.at >= 0 && !reached.includes(m.script));
      reached.push(...here.sort((a, b) => a.at - b.at).map((m) => m.script));
    }
    return reached;
  };
  const eligible = (target: string): TargetFile[] | undefined => {
    if (CLEANUP_TARGET.test(target) || /\b(k3d\s+cluster\s+delete|vagrant\s+(up|destroy))\b/.test(recipeOf(makefile, target).join('\n')))
      return undefined;
    const reached = reachedBy(target);
    if (reached.some((script) => classified.skipped.some((s) => s.path === script.path && s.why === 'a cleanup script'))) return undefined;
    return reached.some((script) => classified.candidates.includes(script)) ? reached : undefined;
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
  const holdsPort = last ? trailingPortForward(last.text ?? '', scripts) : undefined;
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

function scriptStep(file: TargetFile, known: Set<string>, scripts: TargetFile[]): PlannedScript {
  const folder = workingFolder(file, known);
  const holdsPort = trailingPortForward(file.text ?? '', scripts);
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

export function planScripts(files: TargetFile[], partRoot: string, override: string[] = []): ScriptPlan {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const known = knownPaths(files);
  const scripts = files.filter(isShellScript);
  const classified = classify(scripts);
  const deep = (path: string) => {
    const file = byPath.get(path);
    return !!file && createsClusterDeep(file, classified.calls);
  };
  if (override.length) {
    const run = override.map((path): PlannedScript => {
      const file = byPath.get(path);
      const step = file
        ? scriptStep(file, known, scripts)
        : { path, cwd: posix.dirname(path), why: '', program: 'bash' as const, args: [], scripts: [path] };
      return { ...step, args: [], why: `named by the override variable; run from ${step.cwd}` };
    });
    return { run, skipped: [], createsCluster: run.some((s) => deep(s.path)) };
  }
  const make = makeStep(files, partRoot, scripts, classified);
  if (make) {
    const reached = new Set(make.reached.map((s) => s.path));
    const skipped = [
      ...make.reached.map((s) => ({ path: s.path, why: `run by make ${make.step.target}` })),
      ...classified.skipped.filter((s) => !reached.has(s.path)),
      ...classified.candidates
        .filter((s) => !reached.has(s.path))
        .map((s) => ({ path: s.path, why: `not run by make ${make.step.target}` })),
    ];
    return { run: [make.step], skipped, createsCluster: make.step.scripts.some(deep) };
  }
  const { candidates, calls } = classified;
  const skipped = [...classified.skipped];
  // A script another candidate runs is run by its caller, not on its own (unless they call each other).
  const called = candidates.filter((file) =>
    candidates.some((other) => other !== file && calls.get(other.path)!.includes(file) && !calls.get(file.path)!.includes(other)),
  );
  for (const file of called)
    skipped.push({ path: file.path, why: `called by ${candidates.find((other) => calls.get(other.path)!.includes(file))!.path}` });
  // Two scripts creating the same named cluster are alternatives (one also installs the tools): run one.
  const sameCluster = new Map<string, TargetFile>();
  for (const file of [...candidates].sort(
    (a, b) => Number(HOST_INSTALL.test(a.text ?? '')) - Number(HOST_INSTALL.test(b.text ?? '')) || a.path.localeCompare(b.path),
  )) {
    if (called.includes(file)) continue;
    const twin = clusterNamesIn(file.text ?? '')
      .map((name) => sameCluster.get(name))
      .find(Boolean);
    if (twin) {
      called.push(file);
      skipped.push({ path: file.path, why: `creates the same cluster as ${twin.path}` });
    } else for (const name of clusterNamesIn(file.text ?? '')) sameCluster.set(name, file);
  }
  const run = candidates
    .filter((file) => !called.includes(file))
    .sort((a, b) => rank(a, deep(a.path)) - rank(b, deep(b.path)) || laterInRank(a) - laterInRank(b) || a.path.localeCompare(b.path))
    .map((file) => scriptStep(file, known, scripts));
  return { run, skipped, createsCluster: run.some((s) => deep(s.path)) };
}

/** Cluster names a script creates (`k3d cluster create NAME`), for messages and teardown hints. */
export function clusterNamesIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\bk3d\s+cluster\s+create\s+([A-Za-z0-9][\w-]*)/g)) names.push(match[1]!);
  return names;
}
