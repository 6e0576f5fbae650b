// The part's Kubernetes objects ("the part's manifests" in CHECKS.md): the declared ones (YAML documents
// and kustomize builds) and those the part's scripts create imperatively.
import { declaredObjects } from '../manifests/objects.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { GradingContext } from '../target/grading-context.ts';
import type { SubjectPart } from '../target/layout.ts';
import { imperativeObjects } from './facts.ts';

/** Every Kubernetes object of the part, in file order, then built ones, then imperative ones. */
export function objectsOf(ctx: GradingContext, part: SubjectPart): Promise<ManifestObject[]> {
  return ctx.once(`shell:part-objects:${part}`, async () => {
    const declared = await declaredObjects(ctx, part);
    return [...declared, ...(await imperativeObjects(ctx, part, declared))];
  });
}
