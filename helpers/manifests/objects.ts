// The part's declared Kubernetes objects: YAML documents that are objects and the objects kustomizations
// build. With the ones its scripts create, they are "the part's manifests" of CHECKS.md (shell/part-objects.ts).
import type { GradingContext } from '../target/grading-context.ts';
import { targetDotenv } from '../target/dotenv.ts';
import type { SubjectPart } from '../target/layout.ts';
import { objectsOfDocument } from './documents.ts';
import { kustomizeFacts, KUSTOMIZATION_NAMES } from './kustomize.ts';
import type { ManifestObject } from './model.ts';
import { yamlFiles } from './yaml-files.ts';

/** The objects written in YAML files or built by kustomize (no script involved). */
export function declaredObjects(ctx: GradingContext, part: SubjectPart): Promise<ManifestObject[]> {
  return ctx.once(`manifests:declared-objects:${part}`, async () => {
    const files = await yamlFiles(ctx, part);
    const kustomize = await kustomizeFacts(ctx, part);
    const values = targetDotenv(ctx.target, part);
    const objects: ManifestObject[] = [];
    for (const file of files) {
      if (kustomize.notObjects.has(file.path) || kustomize.replacedByBuild.has(file.path)) continue;
      if (KUSTOMIZATION_NAMES.includes(file.path.slice(file.path.lastIndexOf('/') + 1))) continue;
      for (const doc of file.documents) objects.push(...objectsOfDocument(doc, values));
    }
    for (const build of kustomize.builds) objects.push(...(build.objects ?? []));
    return objects;
  });
}
