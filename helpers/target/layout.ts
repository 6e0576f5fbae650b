// Where each part lives in a target repository: the subject layout (p1/ p2/ p3/ bonus/)
// unless the target declares its own in a layout map (LAYOUT_MAP_FILE at its root).
import { parse } from 'yaml';
import type { Part } from '../catalog/checks.ts';

export type SubjectPart = Exclude<Part, 'general'>;
export const SUBJECT_PARTS: readonly SubjectPart[] = ['p1', 'p2', 'p3', 'bonus'];

export const LAYOUT_MAP_FILE = '.iot-layout.yaml';

export interface PartLayout {
  /** Folders that belong to the part (relative, posix, no trailing slash). */
  roots: string[];
  /** The Vagrantfile the subject asks for, when the part has one. */
  vagrantfile?: string;
  /** Folders that must hold the part's shell scripts. */
  scripts: string[];
  /** Folders that must hold the part's configuration files. */
  confs: string[];
}

export interface Layout {
  /** 'subject' for p1/ p2/ p3/ bonus/, or the map's file name. */
  source: string;
  parts: Record<SubjectPart, PartLayout>;
}

export function subjectLayout(): Layout {
  const part = (name: SubjectPart, vagrantfile: boolean): PartLayout => ({
    roots: [name],
    ...(vagrantfile ? { vagrantfile: `${name}/Vagrantfile` } : {}),
    scripts: [`${name}/scripts`],
    confs: [`${name}/confs`],
  });
  return { source: 'subject', parts: { p1: part('p1', true), p2: part('p2', true), p3: part('p3', false), bonus: part('bonus', false) } };
}

export class LayoutMapError extends Error {}

/** Reads a layout map's text. Throws LayoutMapError naming the field and what is expected. */
export function parseLayoutMap(text: string, file = LAYOUT_MAP_FILE): Layout {
  let doc: unknown;
  try {
    doc = parse(text, { uniqueKeys: true, maxAliasCount: 10 });
  } catch (error) {
    throw new LayoutMapError(
      `${file}: not valid YAML (${(error as Error).message.split('\n')[0]}); fix the syntax or delete the file to use the subject layout`,
    );
  }
  const parts = (doc as { parts?: unknown } | null)?.parts;
  if (!parts || typeof parts !== 'object')
    throw new LayoutMapError(`${file}: expected a top-level "parts:" mapping with p1, p2, p3 (and optionally bonus)`);
  const layout = subjectLayout();
  layout.source = file;
  for (const name of SUBJECT_PARTS) {
    const entry = (parts as Record<string, unknown>)[name];
    if (entry === undefined) {
      if (name === 'bonus') continue;
      throw new LayoutMapError(`${file}: parts.${name} is missing; declare its roots, scripts and confs folders`);
    }
    layout.parts[name] = readPart(entry, `${file}: parts.${name}`);
  }
  const unknown = Object.keys(parts).filter((key) => !(SUBJECT_PARTS as readonly string[]).includes(key));
  if (unknown.length) throw new LayoutMapError(`${file}: unknown part ${unknown.join(', ')}; the parts are ${SUBJECT_PARTS.join(', ')}`);
  return layout;
}

function readPart(entry: unknown, where: string): PartLayout {
  if (!entry || typeof entry !== 'object') throw new LayoutMapError(`${where}: expected a mapping with roots, scripts and confs`);
  const fields = entry as Record<string, unknown>;
  const folders = (key: string): string[] => {
    const value = fields[key];
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item.length > 0))
      throw new LayoutMapError(`${where}.${key}: expected a folder or a list of folders relative to the repository root`);
    return list.map((item) => normalizeFolder(item, `${where}.${key}`));
  };
  const part: PartLayout = { roots: folders('roots'), scripts: folders('scripts'), confs: folders('confs') };
  if (fields.vagrantfile !== undefined) {
    if (typeof fields.vagrantfile !== 'string')
      throw new LayoutMapError(`${where}.vagrantfile: expected a file path relative to the repository root`);
    part.vagrantfile = normalizeFolder(fields.vagrantfile, `${where}.vagrantfile`);
  }
  const unknown = Object.keys(fields).filter((key) => !['roots', 'scripts', 'confs', 'vagrantfile'].includes(key));
  if (unknown.length)
    throw new LayoutMapError(`${where}: unknown field ${unknown.join(', ')}; the fields are roots, vagrantfile, scripts, confs`);
  return part;
}

function normalizeFolder(path: string, where: string): string {
  const clean = path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (clean.startsWith('/') || clean.split('/').includes('..'))
    throw new LayoutMapError(`${where}: "${path}" must stay inside the repository (no absolute path, no "..")`);
  return clean;
}

/** True when path is the folder itself or lies under it. */
export const isUnder = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`);
