// The target repository as the grader sees it: every file under the parts, read once,
// safely. Nothing here executes anything from the target.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import {
  isUnder,
  LAYOUT_MAP_FILE,
  LayoutMapError,
  parseLayoutMap,
  SUBJECT_PARTS,
  subjectLayout,
  type Layout,
  type SubjectPart,
} from './layout.ts';

// Large enough for a committed copy of Argo CD's install manifest (1.2–2 MB), which students do commit.
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_FILES = 20_000;
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

/** Why a file cannot be read as text. Every check that needs the file turns it into a clear failure. */
export type FileProblem =
  | { kind: 'symlink-outside'; target: string }
  /** `loop`: the links lead back to themselves (ELOOP) rather than to a missing file. */
  | { kind: 'broken-symlink'; target: string; loop: boolean }
  | { kind: 'binary' }
  | { kind: 'too-large'; size: number }
  /** A name that is not UTF-8 text (a Latin-1 "é", say): the grader cannot name it, nor a Vagrantfile on Linux reliably. */
  | { kind: 'name-not-utf8' }
  /** A named pipe, a socket or a device, itself or behind a symbolic link: reading a pipe would wait forever. */
  | { kind: 'not-a-file'; what: string }
  | { kind: 'unreadable'; reason: string };

export interface TargetFile {
  /** Relative to the target root, posix separators. */
  path: string;
  size: number;
  /** The text, when the file could be read as text. */
  text?: string;
  problem?: FileProblem;
  /** The part whose roots hold the file, if any. */
  part?: SubjectPart;
}

export function describeProblem(file: TargetFile): string {
  const p = file.problem;
  if (!p) return `${file.path} is readable`;
  switch (p.kind) {
    case 'symlink-outside':
      return `${file.path} is a symbolic link to ${p.target}, outside the repository; commit the file itself`;
    case 'broken-symlink':
      return p.loop
        ? `${file.path} is a symbolic link to ${p.target}, which leads back to itself through symbolic links (a loop); commit the file itself`
        : `${file.path} is a symbolic link to ${p.target}, which does not exist; commit the file itself`;
    case 'binary':
      return `${file.path} is a binary file, not text; commit it as plain UTF-8 text`;
    case 'too-large':
      return `${file.path} is ${Math.round(p.size / 1024)} KiB, over the ${MAX_FILE_BYTES / 1024} KiB the grader reads; a configuration file should be small`;
    case 'name-not-utf8':
      return `${file.path} has a name that is not UTF-8 text (shown here with �), so the grader cannot open it; rename it with plain ASCII or UTF-8 characters`;
    case 'not-a-file':
      return `${file.path} is not a regular file but ${p.what}; commit the file itself`;
    case 'unreadable':
      return `${file.path} cannot be read (${p.reason}); make it readable (chmod a+r)`;
  }
}

export class Target {
  readonly root: string;
  readonly layout: Layout;
  readonly files: readonly TargetFile[];
  /** Set when the walk stopped at MAX_FILES. */
  readonly truncated: boolean;
  private readonly byPath: Map<string, TargetFile>;

  constructor(root: string, layout: Layout, files: TargetFile[], truncated = false) {
    this.root = root;
    this.layout = layout;
    this.files = files;
    this.truncated = truncated;
    this.byPath = new Map(files.map((file) => [file.path, file]));
  }

  file(path: string): TargetFile | undefined {
    return this.byPath.get(path);
  }

  /** Every file whose path lies under one of the part's roots. */
  filesOf(part: SubjectPart): TargetFile[] {
    return this.files.filter((file) => file.part === part);
  }

  /** True when a folder (or a file under it) exists in the target. */
  hasFolder(folder: string): boolean {
    return this.folders.has(folder);
  }

  /**
   * A part is present when a file other than a placeholder (.gitkeep) lies under its roots.
   */
  hasPart(part: SubjectPart): boolean {
    return this.filesOf(part).some((file) => !/(^|\/)\.gitkeep$/.test(file.path));
  }

  private _folders?: Set<string>;
  private get folders(): Set<string> {
    if (!this._folders) {
      this._folders = new Set();
      for (const file of this.files) {
        const segments = file.path.split('/');
        for (let i = 1; i < segments.length; i++) this._folders.add(segments.slice(0, i).join('/'));
      }
    }
    return this._folders;
  }
}

export class TargetError extends Error {}

/**
 * Reads the target: its layout map (or the subject layout) and every file, with its problem if any. The walk reads one
 * file at a time, synchronously: through libuv's thread pool each file cost several round trips (~0.65 ms a file here,
 * 350 ms for this repository's 540 files), for no concurrency.
 */
export async function openTarget(root: string): Promise<Target> {
  let rootReal: string;
  try {
    rootReal = realpathSync(root);
    if (!statSync(rootReal).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new TargetError(`IOT_REPO=${root}: no such directory; point IOT_REPO at the checkout to grade`);
  }
  const layout = readLayout(rootReal);
  const files: TargetFile[] = [];
  let truncated = false;
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' }).map((entry) => ({
        entry,
        name: entry.name.toString('utf8'),
      }));
    } catch (error) {
      files.push({
        path: toPosix(relative(rootReal, dir)) || '.',
        size: 0,
        problem: { kind: 'unreadable', reason: (error as NodeJS.ErrnoException).code ?? 'error' },
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { entry, name } of entries) {
      if (files.length >= MAX_FILES) {
        truncated = true;
        return;
      }
      const full = join(dir, name);
      const path = toPosix(relative(rootReal, full));
      // A name that is not UTF-8 reads back as another name (bytes replaced by U+FFFD), which opens nothing.
      if (!Buffer.from(name, 'utf8').equals(entry.name)) {
        if (entry.isDirectory() || entry.isSymbolicLink() || entry.isFile())
          files.push({ path, size: 0, problem: { kind: 'name-not-utf8' } });
      } else if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name)) walk(full);
      } else if (entry.isSymbolicLink()) {
        files.push(readSymlink(rootReal, full, path));
      } else if (entry.isFile()) {
        files.push(readRegular(full, path));
      }
    }
  };
  walk(rootReal);
  for (const file of files) file.part = partOf(layout, file.path);
  return new Target(rootReal, layout, files, truncated);
}

/** The layout map when the repository has one (a regular file, not through a link out of it), else the subject layout. */
function readLayout(root: string): Layout {
  let text: string;
  try {
    const real = realpathSync(join(root, LAYOUT_MAP_FILE));
    if (!real.startsWith(root + sep))
      throw new LayoutMapError(`${LAYOUT_MAP_FILE}: a symbolic link to ${real}, outside the repository; commit the file itself`);
    text = readRegularFile(real).toString('utf8');
  } catch (error) {
    if (error instanceof NotAFile)
      throw new LayoutMapError(
        `${LAYOUT_MAP_FILE}: not a regular file but ${error.what}; commit the file itself, or delete it to use the subject layout`,
      );
    if (error instanceof LayoutMapError) throw error;
    return subjectLayout();
  }
  return parseLayoutMap(text);
}

function partOf(layout: Layout, path: string): SubjectPart | undefined {
  return SUBJECT_PARTS.find((part) => layout.parts[part].roots.some((root) => isUnder(path, root)));
}

function readSymlink(root: string, full: string, path: string): TargetFile {
  let resolved: string;
  try {
    resolved = realpathSync(full);
  } catch (error) {
    const loop = (error as NodeJS.ErrnoException).code === 'ELOOP';
    return { path, size: 0, problem: { kind: 'broken-symlink', target: linkTarget(full), loop } };
  }
  const inside = resolved === root || resolved.startsWith(root + sep);
  if (!inside) return { path, size: 0, problem: { kind: 'symlink-outside', target: resolved } };
  const info = statSync(resolved);
  if (info.isDirectory())
    return {
      path,
      size: 0,
      problem: {
        kind: 'unreadable',
        reason: 'a symbolic link to a folder inside the repository; its files are graded at their real place',
      },
    };
  return readRegular(resolved, path);
}

function readRegular(full: string, path: string): TargetFile {
  let size: number;
  try {
    size = lstatSync(full).size;
  } catch (error) {
    return { path, size: 0, problem: { kind: 'unreadable', reason: (error as NodeJS.ErrnoException).code ?? 'error' } };
  }
  if (size > MAX_FILE_BYTES) return { path, size, problem: { kind: 'too-large', size } };
  let bytes: Buffer;
  try {
    bytes = readRegularFile(full);
  } catch (error) {
    if (error instanceof NotAFile) return { path, size, problem: { kind: 'not-a-file', what: error.what } };
    return { path, size, problem: { kind: 'unreadable', reason: (error as NodeJS.ErrnoException).code ?? 'error' } };
  }
  if (bytes.subarray(0, 8192).includes(0)) return { path, size, problem: { kind: 'binary' } };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\uFFFD') && countReplacement(text) > text.length / 100) return { path, size, problem: { kind: 'binary' } };
  return { path, size, text };
}

class NotAFile extends Error {
  readonly what: string;
  constructor(what: string) {
    super(`not a regular file but ${what}`);
    this.what = what;
  }
}

const specialFile = (info: Stats): string =>
  info.isFIFO() ? 'a named pipe' : info.isSocket() ? 'a socket' : info.isDirectory() ? 'a folder' : 'a device';

/**
 * The bytes of a regular file. Opened without waiting, then checked: opening a named pipe to read
 * waits for a writer, forever in a repository (O_NONBLOCK returns at once, and does nothing to a regular file).
 * Throws NotAFile for anything else, or the system's error.
 */
function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new NotAFile(specialFile(info));
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function linkTarget(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return '?';
  }
}

const countReplacement = (text: string): number => text.split('\uFFFD').length - 1;
const toPosix = (path: string): string => path.split(sep).join('/');
