// Everything the Part 3 and bonus checks read about one part, gathered once per grading run.
import type { GradingContext } from '../target/grading-context.ts';
import type { ManifestObject } from '../manifests/model.ts';
import { yamlFiles } from '../manifests/yaml-files.ts';
import type { ScriptFacts } from '../shell/model.ts';
import type { SubjectPart } from '../target/layout.ts';
import { kubectlApplies, type KubectlApply } from './applies.ts';
import { applicationsOf, type ArgoApplication } from './applications.ts';
import { argoInstalls, type ArgoInstall } from './argocd-install.ts';
import { isRecord } from './field.ts';
import { applicationCharts } from './gitlab.ts';
import { helmReleases, type HelmRelease } from './helm.ts';
import { largeYamlObjects } from './large-copy.ts';
import type { GitopsSources, KustomizationInfo } from './sources.ts';
import { terraformReleases } from './terraform.ts';
import { heredocObjects } from './yaml-objects.ts';

export interface GitopsFacts {
  scripts: ScriptFacts[];
  /** The part's objects, plus those of heredocs piped to kubectl and of over-large YAML files. */
  objects: ManifestObject[];
  /** Objects of over-large YAML files (a committed copy of Argo CD's install manifest). */
  largeObjects: ManifestObject[];
  kustomizations: KustomizationInfo[];
  applies: KubectlApply[];
  releases: HelmRelease[];
  /**
   * Helm releases another tool installs: Terraform's helm_release in the part's .tf files, an Argo
   * CD Application of GitLab's chart. The bonus checks count them (CHECKS.md, B-GITLAB).
   */
  toolReleases: HelmRelease[];
  installs: ArgoInstall[];
  apps: ArgoApplication[];
  /** YAML documents that are not Kubernetes objects (Helm values, tool configs), as plain data. */
  configDocuments: unknown[];
}

export function gitopsFacts(ctx: GradingContext, sources: GitopsSources, part: SubjectPart): Promise<GitopsFacts> {
  return ctx.once(`gitops:facts:${part}`, async () => {
    const [scripts, partObjects, kustomizations, largeObjects] = await Promise.all([
      sources.scripts(ctx, part),
      sources.objects(ctx, part),
      sources.kustomizations(ctx, part),
      largeYamlObjects(ctx, part),
    ]);
    const objects = [...partObjects, ...withoutDuplicates(heredocObjects(scripts), partObjects), ...largeObjects];
    const releases = helmReleases(scripts, objects);
    const apps = applicationsOf(scripts, objects);
    return {
      scripts,
      objects,
      largeObjects,
      kustomizations,
      applies: kubectlApplies(scripts),
      releases,
      toolReleases: part === 'bonus' ? [...(await terraformReleases(ctx.target, part)), ...applicationCharts(apps)] : [],
      installs: argoInstalls({ scripts, objects, kustomizations }),
      apps,
      configDocuments: await configDocuments(ctx, part),
    };
  });
}

/** Heredoc objects the manifest module already reads from the scripts are not counted twice. */
function withoutDuplicates(extra: ManifestObject[], known: readonly ManifestObject[]): ManifestObject[] {
  const key = (object: ManifestObject): string => `${object.location.file}|${object.kind}|${object.namespace ?? ''}|${object.name ?? ''}`;
  const seen = new Set(known.filter((object) => object.origin === 'script').map(key));
  return extra.filter((object) => !seen.has(key(object)));
}

async function configDocuments(ctx: GradingContext, part: SubjectPart): Promise<unknown[]> {
  const documents: unknown[] = [];
  for (const file of await yamlFiles(ctx, part)) {
    for (const document of file.documents) {
      const data = document.data;
      if (isRecord(data) && !(typeof data.apiVersion === 'string' && typeof data.kind === 'string')) documents.push(data);
    }
  }
  return documents;
}
