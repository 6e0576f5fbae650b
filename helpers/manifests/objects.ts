// The part's Kubernetes objects ("the part's manifests" in CHECKS.md): YAML documents that are
// objects, the objects kustomizations build, and those the part's scripts create imperatively.
import type { GradingContext } from '../target/grading-context.ts';
import { imperativeObjects } from '../shell/facts.ts';
import { targetDotenv } from '../target/dotenv.ts';
import type { SubjectPart } from '../target/layout.ts';
import { objectsOfDocument } from './documents.ts';
import { kustomizeFacts, KUSTOMIZATION_NAMES } from './kustomize.ts';
import type { ManifestObject } from './model.ts';
import { yamlFiles } from './yaml-files.ts';

/** Every Kubernetes object of the part, in file order, then built ones, then imperative ones. */
export function objectsOf(ctx: GradingContext, part: SubjectPart): Promise<ManifestObject[]> {
  return ctx.once(`manifests:objects:${part}`, async () => {
    const declared = await declaredObjects(ctx, part);
    return [...declared, ...(await imperativeObjects(ctx, part, declared))];
  });
}

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
