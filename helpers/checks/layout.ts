// G-LAYOUT: the parts are where the subject (or the layout map) says, and each part keeps its
// shell scripts in scripts/ and its configuration files in confs/.
import { SUBJECT_PARTS, isUnder, type SubjectPart } from '../target/layout.ts';
import type { Target, TargetFile } from '../target/repository.ts';
import { isShellFile } from '../shell/files.ts';
import type { StaticChecks } from './context.ts';
import { fail, pass } from './result.ts';
import type { Location } from '../target/location.ts';
import { caseVariantsOf } from '../target/case-variants.ts';

const CONFIG_EXTENSIONS = /\.(ya?ml|json|toml|conf|cfg|ini)$/i;

export const isHidden = (path: string): boolean => path.split('/').some((segment) => segment.startsWith('.'));

export const isConfigFile = (file: TargetFile): boolean => CONFIG_EXTENSIONS.test(file.path);

/** A part is absent when its folders hold nothing but placeholders (.gitkeep). */
export function missingPartMessage(part: SubjectPart, roots: string[]): string {
  return `part ${part} is missing: nothing under ${roots.map((root) => `${root}/`).join(' or ')}`;
}

/** " (P1/ exists: …)" when only a case variant of a missing folder or file exists. */
function caseHint(target: Target, path: string, folder: boolean): string {
  const slash = folder ? '/' : '';
  const hints = caseVariantsOf(target, path, folder).map(
    (variant) => `${variant}${slash} exists: names are case-sensitive, rename it ${path}${slash}`,
  );
  return hints.length ? ` (${hints.join('; ')})` : '';
}

export const layoutChecks = {
  'G-LAYOUT': async (ctx) => {
    const { target } = ctx;
    const problems: Array<{ text: string; location?: Location }> = [];
    for (const part of ['p1', 'p2', 'p3'] as const) {
      const layout = target.layout.parts[part];
      if (!target.hasPart(part)) {
        problems.push({ text: missingPartMessage(part, layout.roots) + layout.roots.map((root) => caseHint(target, root, true)).join('') });
        continue;
      }
      if (layout.vagrantfile && part !== 'p3' && !target.file(layout.vagrantfile))
        problems.push({ text: `${layout.vagrantfile} does not exist${caseHint(target, layout.vagrantfile, false)}` });
      if (part === 'p3') {
        for (const folder of [...layout.scripts.slice(0, 1), ...layout.confs.slice(0, 1)])
          if (!target.hasFolder(folder))
            problems.push({
              text: `${folder}/ does not exist (or holds no file: git keeps no empty folder)${caseHint(target, folder, true)}`,
            });
      }
    }
    for (const part of SUBJECT_PARTS) {
      const layout = target.layout.parts[part];
      for (const file of target.filesOf(part)) {
        const rest = file.path;
        if (isHidden(rest)) continue;
        if (isShellFile(file) && !layout.scripts.some((folder) => isUnder(rest, folder)))
          problems.push({
            text: `${file.path} is a shell script outside ${layout.scripts.map((f) => `${f}/`).join(' or ')}`,
            location: { file: file.path },
          });
        else if (isConfigFile(file) && !layout.confs.some((folder) => isUnder(rest, folder)))
          problems.push({
            text: `${file.path} is a configuration file outside ${layout.confs.map((f) => `${f}/`).join(' or ')}`,
            location: { file: file.path },
          });
      }
    }
    const where = target.layout.source === 'subject' ? 'the subject layout (p1/ p2/ p3/ bonus/)' : `the layout map ${target.layout.source}`;
    if (problems.length === 0) return pass('G-LAYOUT', `parts p1, p2 and p3 follow ${where}`);
    return fail(
      'G-LAYOUT',
      problems.map((problem) => problem.text).join('; '),
      `follow ${where}: a Vagrantfile at the root of p1/ and p2/, shell scripts in the part's scripts/, configuration files (YAML, K3s/k3d configs) in its confs/`,
      problems.flatMap((problem) => (problem.location ? [problem.location] : [])),
    );
  },
} satisfies StaticChecks;
