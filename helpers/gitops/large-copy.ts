// A local copy of Argo CD's install manifest is about 2 MB; a larger file is over what the target reader keeps
// as text (MAX_FILE_BYTES). Such a YAML file of the part is read here, once, up to a bound,
// so that a committed copy still counts as an Argo CD install.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GradingContext } from '../target/grading-context.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { SubjectPart } from '../target/layout.ts';
import { objectsOfText } from './yaml-objects.ts';

export const MAX_COPY_BYTES = 8 * 1024 * 1024;

/** Kubernetes objects of the part's YAML files too large for the target reader. */
export function largeYamlObjects(ctx: GradingContext, part: SubjectPart): Promise<ManifestObject[]> {
  return ctx.once(`gitops:large-yaml:${part}`, async () => {
    const objects: ManifestObject[] = [];
    for (const file of ctx.target.filesOf(part)) {
      if (file.problem?.kind !== 'too-large' || file.size > MAX_COPY_BYTES || !/\.ya?ml$/i.test(file.path)) continue;
      let text: string;
      try {
        text = await readFile(join(ctx.target.root, file.path), 'utf8');
      } catch {
        continue;
      }
      objects.push(...objectsOfText(text, file.path));
    }
    return objects;
  });
}
