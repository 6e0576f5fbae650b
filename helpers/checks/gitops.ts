// The Part 3 and bonus static checks (Argo CD, GitOps, GitLab) on the real fact modules:
// shell analysis, the part's manifests and kustomizations, and the team's logins.
import { kustomizeFacts } from '../manifests/kustomize.ts';
import { objectsOf } from '../shell/part-objects.ts';
import { validateObject } from '../manifests/validate.ts';
import { makeGitopsChecks } from './gitops-checks.ts';
import type { GitopsSources } from '../gitops/sources.ts';
import { scriptFacts } from '../shell/facts.ts';
import { teamLogins } from './logins.ts';

const sources: GitopsSources = {
  scripts: scriptFacts,
  objects: objectsOf,
  validate: validateObject,
  kustomizations: async (ctx, part) =>
    (await kustomizeFacts(ctx, part)).kustomizations.map((kustomization) => ({
      file: kustomization.file,
      namespace: kustomization.namespace,
      resourceFiles: kustomization.resourceFiles,
      remote: kustomization.remote.map((resource) => ({ url: resource.url, line: resource.line })),
    })),
  logins: teamLogins,
};

export const gitopsChecks = makeGitopsChecks(sources);
