// Which files are shell scripts, and how a script's paths name the files of its part:
// /vagrant/… is the Vagrantfile's folder, relative paths start from the script's folder (or the
// Vagrantfile's, or the part's root), and a `file` provisioner's destination is its source.
import { posix } from 'node:path';
import type { SubjectPart } from '../target/layout.ts';
import type { Target, TargetFile } from '../target/repository.ts';
import type { VagrantMachine, VagrantProvisioner } from '../vagrantfile/model.ts';
import { uploadedFiles } from './uploads.ts';
import type { PartFiles } from './walk.ts';

const SHELL_EXTENSIONS = /\.(sh|bash)$/i;
const SHELL_SHEBANG = /^#!\s*\S*\/(env\s+)?(ba|da|k|z|a|mk)?sh\b/;

/** A `.sh`/`.bash` file, or a file without extension whose shebang names a shell. */
export function isShellFile(file: TargetFile): boolean {
  if (SHELL_EXTENSIONS.test(file.path)) return true;
  const name = file.path.split('/').pop() ?? '';
  return !/\.[A-Za-z0-9]+$/.test(name) && file.text !== undefined && SHELL_SHEBANG.test(file.text);
}

export const shellFilesOf = (target: Target, part: SubjectPart): TargetFile[] => target.filesOf(part).filter(isShellFile);

/** The folder /vagrant stands for: the Vagrantfile's, or the part's first root. */
export function vagrantFolder(target: Target, part: SubjectPart): string {
  const layout = target.layout.parts[part];
  return layout.vagrantfile ? posix.dirname(layout.vagrantfile) : (layout.roots[0] ?? '.');
}

/**
 * Resolves the paths a script names; `machine` adds its synced folders and the files its `file`
 * provisioners uploaded before `runBy`, the shell provisioner that runs the script (all of them without it).
 */
export function partFiles(
  target: Target,
  part: SubjectPart,
  scriptFile: string,
  machine?: VagrantMachine,
  runBy?: VagrantProvisioner,
): PartFiles {
  const vagrantDir = vagrantFolder(target, part);
  const roots = target.layout.parts[part].roots;
  const exists = (path: string): boolean => {
    const file = target.file(path);
    return file !== undefined && file.part === part;
  };
  const uploads = uploadedFiles(machine, vagrantDir, runBy);
  const synced: Array<[string, string]> = [['/vagrant', vagrantDir]];
  for (const folder of machine?.syncedFolders ?? []) {
    if (typeof folder.destination === 'string' && folder.destination.startsWith('/') && !folder.source.startsWith('/'))
      synced.push([posix.normalize(folder.destination), join(vagrantDir, folder.source)]);
  }
  synced.sort((a, b) => b[0].length - a[0].length);
  const candidatesOf = (path: string): string[] => {
    if (!path || path.includes('$') || path.includes('`')) return [];
    const clean = posix.normalize(path);
    const candidates: string[] = [];
    if (clean.startsWith('/')) {
      const upload = uploads.get(clean);
      if (upload) candidates.push(upload);
      for (const [mount, folder] of synced) {
        if (clean === mount || clean.startsWith(`${mount}/`))
          candidates.push(join(folder, clean.slice(mount.length).replace(/^\//, '') || '.'));
      }
    } else {
      candidates.push(clean, join(posix.dirname(scriptFile), clean), join(vagrantDir, clean), ...roots.map((root) => join(root, clean)));
    }
    return candidates;
  };
  return {
    resolve: (path: string): string | undefined => candidatesOf(path).find(exists),
    resolveSourced: (path: string): string | undefined => {
      const candidates = candidatesOf(path);
      // Outside the part, a relative path is read from the script's folder first (the repository root last).
      const outside = path.startsWith('/') ? candidates : [...candidates.slice(1), ...candidates.slice(0, 1)];
      return candidates.find(exists) ?? outside.find((candidate) => !candidate.startsWith('../') && target.file(candidate) !== undefined);
    },
    read(path: string): string | undefined {
      return target.file(path)?.text;
    },
  };
}

const join = (folder: string, path: string): string => posix.normalize(folder && folder !== '.' ? `${folder}/${path}` : path);
