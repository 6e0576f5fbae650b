// Which of a part's scripts boot it (Part 3, bonus), in which order and from which folder. Students name
// their scripts freely, so this is a heuristic, documented in README.md and overridable (IOT_P3_SETUP,
// IOT_BONUS_SETUP: comma-separated paths relative to the target root, run in that order).
import { posix } from 'node:path';
import type { TargetFile } from '../target/repository.ts';

export interface PlannedScript {
  /** Relative to the target root. */
  path: string;
  /** Folder to run it from, relative to the target root. */
  cwd: string;
  why: string;
}

export interface SkippedScript {
  path: string;
  why: string;
}

export interface ScriptPlan {
  run: PlannedScript[];
  skipped: SkippedScript[];
  /** True when at least one planned script creates a k3d cluster. */
  createsCluster: boolean;
}

const isShellScript = (file: TargetFile): boolean => file.text !== undefined && (/\.(sh|bash)$/.test(file.path) || /^#!.*\b(ba|da|z)?sh\b/.test(file.text));

const CREATES_CLUSTER = /\bk3d\s+cluster\s+create\b/;
const DEPLOYS = /\b(kubectl\s+(apply|create)|helm\s+(install|upgrade)|argocd\s+(app|login)|k3d\s+cluster\s+create)\b/;
const CLEANUP_NAME = /(clean|delete|destroy|teardown|uninstall|reset|stop|down)[^/]*$/i;
const INSTALL_NAME = /(install|deps|dependenc|prereq|requirement|tools|docker)[^/]*$/i;
const HOST_INSTALL = /\b(apt(-get)?\s+install|get\.docker\.com|install\s+-m|dnf\s+install|yum\s+install|brew\s+install)\b/;

/** Earlier is better: cluster creation, then Argo CD, then the app; other names last, alphabetically. */
function rank(file: TargetFile): number {
  const name = posix.basename(file.path).toLowerCase();
  if (CREATES_CLUSTER.test(file.text ?? '')) return 0;
  if (/argo/.test(name)) return 1;
  if (/gitlab/.test(name)) return 2;
  if (/(app|deploy|launch|start|run)/.test(name)) return 3;
  return 4;
}

/** Folder to run from: where its relative paths resolve (../confs → the scripts folder; confs/ → the part root). */
export function workingFolder(file: TargetFile, partRoot: string): { cwd: string; why: string } {
  const text = file.text ?? '';
  const folder = posix.dirname(file.path);
  if (/\$\(\s*dirname\s+["']?\$\{?(0|BASH_SOURCE)/.test(text)) return { cwd: folder, why: 'it locates its files from its own path' };
  if (/(^|[\s"'=])\.\.\/(confs|app|manifests|scripts)\b/m.test(text)) return { cwd: folder, why: 'it refers to ../ paths' };
  if (/(^|[\s"'=])(\.\/)?(confs|app|manifests)\//m.test(text)) return { cwd: partRoot, why: 'it refers to confs/ from the part root' };
  return { cwd: folder, why: 'its own folder' };
}

export function planScripts(files: TargetFile[], partRoot: string, override: string[] = []): ScriptPlan {
  const byPath = new Map(files.map((file) => [file.path, file]));
  if (override.length) {
    const run = override.map((path) => {
      const file = byPath.get(path);
      return { path, ...(file ? workingFolder(file, partRoot) : { cwd: posix.dirname(path), why: 'its own folder' }), why: 'named by the override variable' };
    });
    return { run, skipped: [], createsCluster: run.some((s) => CREATES_CLUSTER.test(byPath.get(s.path)?.text ?? '')) };
  }
  const scripts = files.filter(isShellScript);
  const skipped: SkippedScript[] = [];
  const candidates: TargetFile[] = [];
  for (const file of scripts) {
    const text = file.text ?? '';
    if (CLEANUP_NAME.test(file.path) && !CREATES_CLUSTER.test(text)) skipped.push({ path: file.path, why: 'a cleanup script' });
    else if (!DEPLOYS.test(text) && (INSTALL_NAME.test(file.path) || HOST_INSTALL.test(text))) skipped.push({ path: file.path, why: 'installs host tools only (preflight found them on this host)' });
    else if (!DEPLOYS.test(text)) skipped.push({ path: file.path, why: 'creates no cluster and applies nothing' });
    else candidates.push(file);
  }
  // A script another candidate calls is run by its caller, not on its own.
  const called = candidates.filter((file) => {
    const base = posix.basename(file.path);
    return candidates.some((other) => other !== file && new RegExp(`(^|[\\s/"'])${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'm').test(other.text ?? ''));
  });
  for (const file of called) skipped.push({ path: file.path, why: 'called by another script' });
  const run = candidates
    .filter((file) => !called.includes(file))
    .sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path))
    .map((file) => ({ path: file.path, ...workingFolder(file, partRoot) }));
  return { run, skipped, createsCluster: run.some((s) => CREATES_CLUSTER.test(byPath.get(s.path)?.text ?? '')) };
}

/** Cluster names a script creates (`k3d cluster create NAME`), for messages and teardown hints. */
export function clusterNamesIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\bk3d\s+cluster\s+create\s+([A-Za-z0-9][\w-]*)/g)) names.push(match[1]);
  return names;
}
