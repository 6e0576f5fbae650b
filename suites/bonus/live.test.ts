// Bonus — GitLab, booted for real (CHECKS.md, "Bonus", live table): the bonus scripts (after Part 3's when no
// bonus script creates a cluster) deploy GitLab in the k3d cluster. Every check skips when the target has no
// bonus part.
import { describe } from 'vitest';
import { applicationAtRevision, pickApplication, shortSha, type ApplicationLike } from '../../helpers/cluster/argocd-checks.ts';
import { allOf, pending, succeeded } from '../../helpers/cluster/expectation.ts';
import { answeredVersion } from '../../helpers/cluster/http-probe.ts';
import { CheckFailure, liveSuite, type CheckContext } from '../../helpers/cluster/live-check.ts';
import { GitLab, GITLAB_NAMESPACE, type GitLabProject } from '../../helpers/cluster/parts/gitlab.ts';
import { retag } from '../../helpers/cluster/git-workspace.ts';
import { bootPlan, K3dArgoCd, partPlan } from '../../helpers/cluster/parts/k3d-argocd.ts';
import { k3dReadiness } from '../../helpers/cluster/host-readiness.ts';
import { workloadsAvailable } from '../../helpers/cluster/workload-checks.ts';

const { check } = liveSuite<K3dArgoCd>({
  part: 'bonus',
  bootOwner: 'BL-GITLAB',
  absent: (target) =>
    target.hasPart('bonus') ? undefined : `the target has no bonus part (nothing under ${target.layout.parts.bonus.roots.join(', ')}/)`,
  readiness: ({ target, runner, config }) =>
    k3dReadiness({
      runner,
      target,
      part: 'bonus',
      plan: bootPlan(target, 'bonus', config.bonusSetup, partPlan(target, 'p3', config.p3Setup)),
    }),
  driver: ({ target, runner, log, config }) =>
    new K3dArgoCd({ part: 'bonus', target, runner, log, override: config.bonusSetup, before: partPlan(target, 'p3', config.p3Setup) }),
});

let gitlab: GitLab | undefined;
let found: { project: GitLabProject; file: string; text: string; tag: string } | undefined;

async function signedIn(ctx: CheckContext<K3dArgoCd>): Promise<GitLab> {
  if (!gitlab) {
    gitlab = new GitLab(ctx.driver, ctx.session.always, ctx.runner);
    const password = await gitlab.rootPassword();
    if (!password)
      throw new CheckFailure(
        `no root password in namespace ${GITLAB_NAMESPACE} (no *initial-root-password secret)`,
        'keep the initial root password secret the GitLab chart creates',
      );
    await gitlab.signIn(password);
  }
  return gitlab;
}

const IMAGE_TAG = /^\s*-?\s*image:\s*["']?[^\s"'#]+:(v\d+)["']?/m;

/** The Application that deploys from the local GitLab (its repoURL is not on github.com). */
function gitlabApplication(apps: ApplicationLike[]): ApplicationLike | undefined {
  return apps.find((a) => a.spec?.source?.repoURL && !/github\.com/.test(a.spec.source.repoURL)) ?? pickApplication(apps);
}

describe('Bonus — GitLab (live)', () => {
  check('BL-GITLAB', [], async (ctx) => {
    const { driver, poll } = ctx;
    const workloads = await poll(
      `GitLab's workloads available in namespace ${GITLAB_NAMESPACE}`,
      async () => {
        const all = [...(await driver.kube.deployments(GITLAB_NAMESPACE)), ...(await driver.kube.statefulSets(GITLAB_NAMESPACE))];
        return workloadsAvailable(all, Math.max(all.length, 1), 'GitLab workloads');
      },
      { timeoutMs: Math.max(ctx.config.assertTimeout, 900) * 1000 },
    );
    const page = await poll('the GitLab sign-in page', async () => {
      const lab = new GitLab(driver, ctx.session.always, ctx.runner);
      const status = await lab.signInPage();
      return status === 200 ? succeeded('sign-in page answers 200') : pending(`the sign-in page to answer 200 (HTTP ${status})`);
    });
    await signedIn(ctx);
    return `${workloads.message}; ${page.message}; root signs in (GitLab accepted the initial root password; a personal access token was created for the checks)`;
  });

  check('BL-REPO', ['BL-GITLAB'], async (ctx) => {
    const lab = await signedIn(ctx);
    const projects = await lab.projects();
    for (const project of projects) {
      for (const file of await lab.yamlFiles(project)) {
        const tag = IMAGE_TAG.exec(file.text)?.[1];
        if (tag && /\bkind:\s*Deployment\b/.test(file.text)) {
          found = { project, file: file.path, text: file.text, tag };
          return `project ${project.path_with_namespace} holds ${file.path} (a Deployment with an image tagged ${tag})`;
        }
      }
    }
    throw new CheckFailure(
      `none of the ${projects.length} GitLab projects (${projects.map((p) => p.path_with_namespace).join(', ') || 'none'}) holds a Deployment with an image tagged v<N>`,
      'push the app manifests to a project of the local GitLab',
    );
  });

  check('BL-V1-TO-V2', ['BL-REPO'], async (ctx) => {
    const { driver, poll, session } = ctx;
    const lab = await signedIn(ctx);
    if (!found) throw new CheckFailure('BL-REPO found no project to change', 'see BL-REPO');
    const { project, file, text } = found;
    session.always.push(`restore ${project.path_with_namespace}:${file}`, async () => {
      await lab.commitFile(project, file, text, 'iot suite: restore').catch(() => {});
    });
    const app = gitlabApplication(await driver.kube.applications());
    if (!app)
      throw new CheckFailure(
        'no Argo CD Application deploys from the local GitLab',
        'point an Application at the GitLab project (B-ARGOCD-GITLAB)',
      );
    const ns = app.metadata?.namespace ?? 'argocd';
    const name = app.metadata?.name ?? '';
    const destination = app.spec?.destination?.namespace ?? 'dev';
    const refresh = () => driver.kube.patchApplication(ns, name, { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } });
    const answering = (sha: string, version: string) =>
      allOf(
        async () => applicationAtRevision(await driver.kube.application(ns, name), sha),
        async () =>
          answeredVersion((await driver.appAnswer(destination)).body) === version
            ? succeeded(`the app answers ${version}`)
            : pending(`the app to answer ${version}`),
      );
    let current = text;
    if (found.tag !== 'v1') {
      current = retag(text, found.tag, 'v1').text;
      const reset = await lab.commitFile(project, file, current, `iot suite: ${found.tag} → v1`);
      await refresh();
      await poll(`the app back at v1 (${shortSha(reset)})`, answering(reset, 'v1'));
    }
    const sha = await lab.commitFile(project, file, retag(current, 'v1', 'v2').text, 'iot suite: v1 → v2');
    const pushed = Date.now();
    await refresh();
    await poll(`the app answering v2 at ${shortSha(sha)}`, answering(sha, 'v2'), { phase: 'commitToV2' });
    ctx.timings.commitToV2 = Date.now() - pushed;
    return `commit ${shortSha(sha)} on ${project.path_with_namespace}: v2 answered ${Math.round(ctx.timings.commitToV2 / 1000)} s later, Application ${name} synced to it`;
  });
});
