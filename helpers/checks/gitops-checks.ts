// The Part 3 and bonus static checks (CHECKS.md, "Part 3 — K3d and Argo CD" and "Bonus — GitLab"),
// built on facts from GitopsSources so that self-tests can give them facts made by hand.
import type { StaticChecks } from './context.ts';
import type { GradingContext } from '../target/grading-context.ts';
import { fail, pass, skip, type CheckResult } from './result.ts';
import type { Location } from '../target/location.ts';
import type { SubjectPart } from '../target/layout.ts';
import { autoSync, type AppSource, type ArgoApplication } from '../gitops/applications.ts';
import { PINNED_CHART, PINNED_REF, type ArgoInstall } from '../gitops/argocd-install.ts';
import { gitopsFacts, type GitopsFacts } from '../gitops/facts.ts';
import { where, type Field } from '../gitops/field.ts';
import { gitlabDeployments, isGitLabChartSource, localHostHints, type GitLabDeployment } from '../gitops/gitlab.ts';
import { containerImages, isDockerHub, isPodOwner, parseImage, type ContainerImage } from '../gitops/images.ts';
import { createdNamespaces } from '../gitops/namespaces.ts';
import { makefileStepNote } from '../shell/makefile-steps.ts';
import { yamlFiles } from '../manifests/yaml-files.ts';
import {
  gitHubRepo,
  hostBesidePlaceholders,
  hostOf,
  isGitHubRepo,
  isMalformedHost,
  localHostReason,
  type GitHubRepo,
} from '../gitops/repo-url.ts';
import type { GitopsSources } from '../gitops/sources.ts';

export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
const EXAMPLE_MANIFEST = 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.1.5/manifests/install.yaml';

interface Problem {
  message: string;
  fix: string;
  location: Location;
}

const unique = (items: string[]): string[] => [...new Set(items)];
const locationsOf = (problems: readonly Problem[]): Location[] => problems.map((problem) => problem.location);

function failWith(id: string, problems: readonly Problem[], lead = ''): CheckResult {
  return fail(
    id,
    lead + problems.map((problem) => problem.message).join('; '),
    unique(problems.map((problem) => problem.fix)).join('; '),
    locationsOf(problems),
  );
}

/** A value a check needs still holds a placeholder: that fails the check, naming it. */
function placeholderProblem(what: string, field: Field): Problem {
  const names = field.unresolved.join(', ');
  return {
    message: `${what} at ${where(field.location)} holds ${names}, which nothing resolves`,
    fix: `define ${names} where the grader can read it (a constant assignment in the script or in a file it sources by a constant relative path, the Vagrant provisioner's env:, or .env at the repository root or the part's root), or write the value itself`,
    location: field.location,
  };
}

const noLogin = (source: string): string =>
  `no team login is known (${source === 'none' ? 'IOT_LOGIN is unset and no machine name of the form <login>S gives one' : source})`;

const folderOf = (ctx: GradingContext, part: SubjectPart, kind: 'scripts' | 'confs'): string =>
  ctx.target.layout.parts[part][kind][0] ?? `${part}/${kind}`;

export function makeGitopsChecks(sources: GitopsSources) {
  const facts = (ctx: GradingContext, part: SubjectPart): Promise<GitopsFacts> => gitopsFacts(ctx, sources, part);

  /**
   * One root cause, one failure: when what a check looks for is missing and a YAML file of the
   * part that does not parse seems to hold it, the check skips naming G-YAML.
   */
  const hiddenInBrokenYaml = async (
    ctx: GradingContext,
    part: SubjectPart,
    id: string,
    sought: RegExp,
    what: string,
  ): Promise<CheckResult | undefined> => {
    const broken = (await yamlFiles(ctx, part)).find((file) => file.errors.length && sought.test(ctx.target.file(file.path)?.text ?? ''));
    if (!broken) return undefined;
    const error = broken.errors[0]!;
    return skip(
      id,
      `skipped: G-YAML failed (${broken.path}${error.line ? `:${error.line}` : ''}: ${error.message}), and ${what} seems to be in that file`,
      [{ file: broken.path, ...(error.line ? { line: error.line } : {}) }],
    );
  };
  const APPLICATION_TEXT = /^\s*kind:\s*["']?Application["']?\s*$/m;
  const GITLAB_TEXT = /gitlab\/gitlab(-ce|-ee)?\b/;

  // ---- the Application of Part 3 ----------------------------------------------------------

  interface AppVerdict {
    app: ArgoApplication;
    source?: AppSource & { repo: GitHubRepo };
    problems: Problem[];
  }

  const describeApp = (app: ArgoApplication): string =>
    `${app.via === 'manifest' ? `the Application${app.name ? ` ${app.name}` : ''}` : `\`argocd app create${app.name ? ` ${app.name}` : ''}\``} (${where(app.location)})`;

  async function judgeApp(app: ArgoApplication): Promise<AppVerdict> {
    const problems: Problem[] = [];
    const name = describeApp(app);
    const manifest = app.via === 'manifest';
    if (app.object) {
      if (app.object.apiVersion !== 'argoproj.io/v1alpha1')
        problems.push({
          message: `${name}: apiVersion is ${app.object.apiVersion}`,
          fix: 'write apiVersion: argoproj.io/v1alpha1',
          location: app.location,
        });
      for (const finding of await sources.validate(app.object)) {
        const location = { file: app.location.file, line: finding.line ?? app.location.line };
        problems.push({
          message: `${name} is not schema-valid: ${where(location)}: ${finding.message}`,
          fix: `correct ${where(location)} so that the manifest matches the Argo CD Application schema (as the message above says)`,
          location,
        });
      }
    }
    // An empty value is unset for Argo CD (the UI writes `name: ''` beside the server).
    const given = (field: Field | undefined): Field | undefined =>
      field && (field.value !== '' || field.unresolved.length) ? field : undefined;
    const [server, destName, namespace] = [given(app.destination.server), given(app.destination.name), given(app.destination.namespace)];
    if (server && destName) {
      problems.push({
        message: `${name}: sets both destination server and destination name, which Argo CD refuses`,
        fix: manifest ? `keep only destination.server: ${IN_CLUSTER_SERVER}` : `keep only --dest-server ${IN_CLUSTER_SERVER}`,
        location: server.location,
      });
    } else if (server) {
      if (server.unresolved.length) problems.push(placeholderProblem(`${name}: the destination server`, server));
      else if (server.value !== IN_CLUSTER_SERVER)
        problems.push({
          message: `${name}: deploys to ${server.value}, not the in-cluster API`,
          fix: manifest ? `set destination.server: ${IN_CLUSTER_SERVER}` : `use --dest-server ${IN_CLUSTER_SERVER}`,
          location: server.location,
        });
    } else if (destName) {
      if (destName.unresolved.length) problems.push(placeholderProblem(`${name}: the destination name`, destName));
      else if (destName.value !== 'in-cluster')
        problems.push({
          message: `${name}: deploys to the cluster named ${destName.value}, not the in-cluster API`,
          fix: manifest
            ? `set destination.server: ${IN_CLUSTER_SERVER} (or destination.name: in-cluster)`
            : `use --dest-server ${IN_CLUSTER_SERVER}`,
          location: destName.location,
        });
    } else {
      problems.push({
        message: `${name}: names no destination cluster`,
        fix: manifest ? `set spec.destination.server: ${IN_CLUSTER_SERVER}` : `add --dest-server ${IN_CLUSTER_SERVER}`,
        location: app.location,
      });
    }
    if (!namespace)
      problems.push({
        message: `${name}: names no destination namespace`,
        fix: manifest ? 'set spec.destination.namespace: dev' : 'add --dest-namespace dev',
        location: app.location,
      });
    else if (namespace.unresolved.length) problems.push(placeholderProblem(`${name}: the destination namespace`, namespace));
    else if (namespace.value !== 'dev')
      problems.push({
        message: `${name}: deploys into namespace ${namespace.value}, not dev`,
        fix: manifest ? 'set spec.destination.namespace: dev' : 'use --dest-namespace dev',
        location: namespace.location,
      });

    let chosen: AppVerdict['source'];
    const sourceProblems: Problem[] = [];
    for (const source of app.sources) {
      const found: Problem[] = [];
      let repo: GitHubRepo | undefined;
      if (!source.repoURL)
        found.push({
          message: `${name}: a source has no repoURL`,
          fix: manifest
            ? 'set spec.source.repoURL: https://github.com/<owner>/<repository>.git'
            : 'add --repo https://github.com/<owner>/<repository>.git',
          location: app.location,
        });
      else if (source.repoURL.unresolved.length) found.push(placeholderProblem(`${name}: repoURL`, source.repoURL));
      else {
        const parsed = gitHubRepo(source.repoURL.value);
        if (isGitHubRepo(parsed)) repo = parsed;
        else
          found.push({
            message: `${name}: repoURL ${source.repoURL.value} ${parsed.problem}`,
            fix: 'point repoURL at the public GitHub repository holding the app manifests: https://github.com/<owner>/<repository>.git',
            location: source.repoURL.location,
          });
      }
      if (!source.path) {
        found.push(
          source.chart
            ? {
                message: `${name}: the source is the Helm chart ${source.chart.value}, not a path of a git repository`,
                fix: manifest
                  ? 'deploy the manifests of a folder of the repository: set source.path (e.g. path: app) instead of chart'
                  : 'use --path <folder> instead of --helm-chart',
                location: source.chart.location,
              }
            : {
                message: `${name}: the source names no path`,
                fix: manifest
                  ? 'set spec.source.path to the folder holding the app manifests (e.g. path: app, or path: . for the repository root)'
                  : 'add --path <folder> (e.g. --path app)',
                location: source.repoURL?.location ?? app.location,
              },
        );
      } else if (source.path.unresolved.length) found.push(placeholderProblem(`${name}: the source path`, source.path));
      if (!found.length && repo && !chosen) chosen = { ...source, repo };
      if (!chosen) sourceProblems.push(...found);
    }
    if (!app.sources.length)
      problems.push({
        message: `${name}: has no source`,
        fix: manifest
          ? 'add spec.source with repoURL (https://github.com/<owner>/<repository>.git) and path'
          : 'add --repo https://github.com/<owner>/<repository>.git --path <folder>',
        location: app.location,
      });
    else if (!chosen) problems.push(...sourceProblems);
    return { app, source: chosen, problems };
  }

  /** The Part 3 Application: the first that meets P3-APPLICATION, and the verdict on each. */
  const p3App = (ctx: GradingContext): Promise<{ chosen?: AppVerdict; verdicts: AppVerdict[] }> =>
    ctx.once('gitops:p3-application', async () => {
      const verdicts = await Promise.all((await facts(ctx, 'p3')).apps.map(judgeApp));
      return { chosen: verdicts.find((verdict) => verdict.problems.length === 0), verdicts };
    });

  /** The checks that judge "that Application": skip naming P3-APPLICATION when there is none. */
  async function withApp(
    ctx: GradingContext,
    id: string,
    judge: (verdict: AppVerdict & { source: NonNullable<AppVerdict['source']> }) => Promise<CheckResult> | CheckResult,
  ): Promise<CheckResult> {
    const { chosen, verdicts } = await p3App(ctx);
    if (!chosen || !chosen.source)
      return skip(
        id,
        `skipped: P3-APPLICATION failed (${verdicts.length ? 'no Application meets it' : 'there is no Application'})`,
        verdicts.map((verdict) => verdict.app.location),
      );
    return judge({ ...chosen, source: chosen.source });
  }

  // ---- checks ------------------------------------------------------------------------------

  const checks = {
    'P3-NAMESPACES': async (ctx) => {
      const id = 'P3-NAMESPACES';
      const { scripts, objects, releases, apps } = await facts(ctx, 'p3');
      const created = createdNamespaces(scripts, objects, releases, apps);
      const problems: Problem[] = [];
      for (const name of ['argocd', 'dev']) {
        if (created.has(name)) continue;
        const unresolved = [...created.entries()].filter(([value]) => value.includes('$'));
        const hint = unresolved.length
          ? ` (${unresolved.map(([value, how]) => `${how[0]!.how} ${value} at ${where(how[0]!.location)} holds a placeholder nothing resolves`).join('; ')})`
          : '';
        problems.push({
          message:
            `namespace ${name} is never created${hint}: no Namespace object, no \`kubectl create namespace ${name}\`${name === 'dev' ? ', no CreateNamespace=true on an Application whose destination is dev' : ''}` +
            makefileStepNote(
              ctx.target,
              'p3',
              [new RegExp(`\\bcreate\\s+(namespace|ns)\\s+${name}\\b`), /\bcreate\s+(namespace|ns)\s+\$/],
              `\`kubectl create namespace\``,
              folderOf(ctx, 'p3', 'scripts'),
            ),
          fix: `add \`kubectl create namespace ${name}\` to a script in ${folderOf(ctx, 'p3', 'scripts')}/ (or a Namespace object in ${folderOf(ctx, 'p3', 'confs')}/${name === 'dev' ? ", or CreateNamespace=true in the Application's syncPolicy.syncOptions" : ''})`,
          location: { file: folderOf(ctx, 'p3', 'scripts') },
        });
      }
      if (problems.length) return failWith(id, problems);
      const how = (name: string): string => `${name}: ${created.get(name)![0]!.how} (${where(created.get(name)![0]!.location)})`;
      return pass(
        id,
        `namespaces are created: ${how('argocd')}; ${how('dev')}`,
        ['argocd', 'dev'].map((name) => created.get(name)![0]!.location),
      );
    },

    'P3-ARGOCD-INSTALL': async (ctx) => {
      const id = 'P3-ARGOCD-INSTALL';
      const { installs } = await facts(ctx, 'p3');
      if (!installs.length)
        return fail(
          id,
          `no Argo CD install in ${ctx.target.layout.parts.p3.roots.join(', ')}: no \`kubectl apply\` of Argo CD's install manifest, no copy of it, no kustomization naming it, no Helm install of argo/argo-cd${makefileStepNote(ctx.target, 'p3', /argoproj\/argo-cd\/\S*install\.yaml|\bargo\/argo-cd\b/, 'the Argo CD install', folderOf(ctx, 'p3', 'scripts'))}`,
          `install Argo CD from a script in ${folderOf(ctx, 'p3', 'scripts')}/: \`kubectl apply -n argocd -f ${EXAMPLE_MANIFEST}\` (or \`helm install argocd argo/argo-cd -n argocd --version <chart version>\`)`,
          [{ file: folderOf(ctx, 'p3', 'scripts') }],
        );
      const good = installs.find((install) => install.namespace?.value === 'argocd' && !install.namespace.unresolved.length);
      if (good) return pass(id, `Argo CD is installed into namespace argocd: ${good.what} (${where(good.location)})`, [good.location]);
      return failWith(
        id,
        installs.map((install) => installNamespaceProblem(install)),
      );
    },

    'P3-ARGOCD-PINNED': async (ctx) => {
      const id = 'P3-ARGOCD-PINNED';
      const { installs } = await facts(ctx, 'p3');
      if (!installs.length) return skip(id, 'skipped: P3-ARGOCD-INSTALL failed (no Argo CD install)');
      const intoArgocd = installs.filter((install) => install.namespace?.value === 'argocd');
      const judged = intoArgocd.length ? intoArgocd : installs;
      const problems = judged.flatMap((install) => pinProblem(install) ?? []);
      if (problems.length) return failWith(id, problems);
      return pass(
        id,
        judged
          .map(
            (install) =>
              `${install.what} names ${install.version ? `${install.versionKind} ${install.version.value}` : 'a committed copy'} (${where(install.location)})`,
          )
          .join('; '),
        judged.map((install) => install.location),
      );
    },

    'P3-APPLICATION': async (ctx) => {
      const id = 'P3-APPLICATION';
      const { chosen, verdicts } = await p3App(ctx);
      const applicationSet = (await facts(ctx, 'p3')).objects.find(
        (object) => object.kind === 'ApplicationSet' && object.apiVersion.startsWith('argoproj.io/'),
      );
      const setNote = applicationSet
        ? ` (the ApplicationSet at ${where(applicationSet.location)} does not count: the subject asks for an Application)`
        : '';
      if (!verdicts.length) {
        const hidden = await hiddenInBrokenYaml(ctx, 'p3', id, APPLICATION_TEXT, 'the Application');
        if (hidden) return hidden;
      }
      if (!verdicts.length)
        return fail(
          id,
          `no Argo CD Application in ${ctx.target.layout.parts.p3.roots.join(', ')}: no Application manifest (apiVersion argoproj.io/v1alpha1, kind Application: in a YAML file, or a heredoc a script applies) and no \`argocd app create\`${setNote}`,
          `add an Application manifest to ${folderOf(ctx, 'p3', 'confs')}/ with spec.source (repoURL https://github.com/<owner>/<repository>.git, path) and spec.destination (server ${IN_CLUSTER_SERVER}, namespace dev), and apply it from a script`,
          [{ file: folderOf(ctx, 'p3', 'confs') }],
        );
      if (chosen?.source)
        return pass(
          id,
          `${describeApp(chosen.app)} deploys ${chosen.source.repoURL!.value}, path ${chosen.source.path!.value}, into namespace dev of the in-cluster API`,
          [chosen.app.location],
        );
      return failWith(
        id,
        verdicts.flatMap((verdict) => verdict.problems),
      );
    },

    'P3-AUTOSYNC': (ctx) =>
      withApp(ctx, 'P3-AUTOSYNC', ({ app }) => {
        const id = 'P3-AUTOSYNC';
        const auto = autoSync(app);
        const amended = app.amendedBy.length ? `, as changed by ${app.amendedBy.map(where).join(', ')}` : '';
        if (auto?.on) return pass(id, `${describeApp(app)} syncs automatically (syncPolicy.automated${amended})`, [app.syncPolicyLocation]);
        const rejected = !('automated' in app.syncPolicy) ? app.rejectedPolicies.at(-1) : undefined;
        const fix = rejected
          ? rejected.unresolved.length
            ? `define ${rejected.unresolved.join(', ')} where the grader can read it (a constant assignment in the script or a file it sources, or .env), or write --sync-policy automated at ${where(rejected.location)}`
            : `write --sync-policy automated (or its aliases auto, automatic, in lower case) at ${where(rejected.location)}`
          : app.via === 'manifest'
            ? `write under spec: syncPolicy: { automated: { prune: true, selfHeal: true } } in ${app.location.file}`
            : `add --sync-policy automated to the \`argocd app create\` at ${where(app.location)}`;
        return fail(
          id,
          `${describeApp(app)} does not sync automatically${auto?.offBecause ? `: ${auto.offBecause}` : ': it has no automated sync policy, so Argo CD waits for a manual sync'}${amended}`,
          fix,
          rejected ? [rejected.location] : [app.syncPolicyLocation],
        );
      }),

    'P3-SELFHEAL': (ctx) =>
      withApp(ctx, 'P3-SELFHEAL', ({ app }) => {
        const id = 'P3-SELFHEAL';
        const auto = autoSync(app);
        if (!auto?.on)
          return skip(id, 'skipped: P3-AUTOSYNC failed (selfHeal and prune belong to automated sync)', [app.syncPolicyLocation]);
        const lacking = [auto.selfHeal ? '' : 'selfHeal', auto.prune ? '' : 'prune'].filter(Boolean);
        if (!lacking.length) return pass(id, `${describeApp(app)} sets selfHeal: true and prune: true`, [app.syncPolicyLocation]);
        const fix =
          app.via === 'manifest'
            ? `set ${lacking.map((key) => `${key}: true`).join(' and ')} under spec.syncPolicy.automated in ${app.location.file}`
            : `add ${lacking.map((key) => (key === 'selfHeal' ? '--self-heal' : '--auto-prune')).join(' ')} to the \`argocd app create\` at ${where(app.location)}`;
        return fail(
          id,
          `${describeApp(app)} does not set ${lacking.join(' or ')}: ${lacking.includes('selfHeal') ? 'a manual change in the cluster stays until the next commit' : 'resources removed from git stay in the cluster'}`,
          fix,
          [app.syncPolicyLocation],
        );
      }),

    'P3-REPO-LOGIN': (ctx) =>
      withApp(ctx, 'P3-REPO-LOGIN', async ({ source }) => {
        const id = 'P3-REPO-LOGIN';
        const team = await sources.logins(ctx);
        const location = source.repoURL!.location;
        if (!team.logins.length)
          return skip(id, `skipped: ${noLogin(team.source)}; set IOT_LOGIN to the team's login(s), e.g. IOT_LOGIN=alice,bob`, [location]);
        const { owner, name } = source.repo;
        const login = team.logins.find((candidate) => name.toLowerCase().includes(candidate.toLowerCase()));
        if (login) return pass(id, `the repository name ${name} contains the login ${login} (compared without case)`, [location]);
        const ownerNote = team.logins.some((candidate) => owner.toLowerCase().includes(candidate.toLowerCase()))
          ? ' (the owner does, but the subject asks for the repository name)'
          : '';
        return fail(
          id,
          `the repository name ${name} in ${source.repoURL!.value} (${where(location)}) contains no team login (${team.logins.join(', ')})${ownerNote}`,
          `name the GitHub repository after a login, e.g. ${team.logins[0]}-iot, and update repoURL at ${where(location)}${team.source === 'IOT_LOGIN' ? '' : '; if the repository is named after a teammate whose login is not in the machine names, grade with IOT_LOGIN naming the whole team (IOT_LOGIN=alice,bob)'}`,
          [location],
        );
      }),

    'P3-IMAGE': async (ctx) => {
      const id = 'P3-IMAGE';
      const { objects, largeObjects, installs } = await facts(ctx, 'p3');
      const argoFiles = new Set(installs.filter((install) => install.via === 'local copy').map((install) => install.location.file));
      const app = objects.filter(
        (object) =>
          isPodOwner(object) && !largeObjects.includes(object) && !argoFiles.has(object.location.file) && !isArgoComponent(object),
      );
      const images = app.flatMap(containerImages);
      if (!images.length)
        return skip(
          id,
          'skipped: the app manifests live only in the remote repository (no workload besides Argo CD in the part); P3L-V1 judges the running app',
        );
      const team = await sources.logins(ctx);
      const verdicts = images.map((image) => judgeImage(image, team.logins));
      const good = verdicts.find((verdict) => verdict.ok);
      if (good)
        return pass(
          id,
          `${good.image.object.kind} ${good.image.object.name ?? ''} runs ${good.image.image.value} (${where(good.image.image.location)})${good.why}`,
          [good.image.image.location],
        );
      if (verdicts.some((verdict) => verdict.needsLogin) && !team.logins.length)
        return skip(
          id,
          `skipped: ${noLogin(team.source)}, so ${verdicts
            .filter((verdict) => verdict.needsLogin)
            .map((verdict) => verdict.image.image.value)
            .join(', ')} cannot be judged; set IOT_LOGIN to the team's login(s), e.g. IOT_LOGIN=alice,bob`,
        );
      return failWith(
        id,
        verdicts.map((verdict) => verdict.problem!),
        'no app image qualifies: ',
      );
    },

    'B-LAYOUT': async (ctx) => {
      const id = 'B-LAYOUT';
      const layout = ctx.target.layout.parts.bonus;
      const absentFolders = [...layout.scripts, ...layout.confs].filter((folder) => !ctx.target.hasFolder(folder));
      if (!absentFolders.length)
        return pass(id, `the bonus part holds ${[...layout.scripts, ...layout.confs].map((folder) => `${folder}/`).join(' and ')}`);
      return fail(
        id,
        `the bonus part has no ${absentFolders.map((folder) => `${folder}/`).join(' and no ')} folder`,
        `keep the bonus scripts in ${layout.scripts[0]}/ and its configuration files (YAML) in ${layout.confs[0]}/`,
        absentFolders.map((folder) => ({ file: folder })),
      );
    },

    'B-GITLAB': async (ctx) => {
      const id = 'B-GITLAB';
      const { scripts, objects, releases, toolReleases, applies } = await facts(ctx, 'bonus');
      const deployments = gitlabDeployments(scripts, objects, [...releases, ...toolReleases], applies);
      if (!deployments.length) {
        const hidden = await hiddenInBrokenYaml(ctx, 'bonus', id, GITLAB_TEXT, "GitLab's deployment");
        if (hidden) return hidden;
      }
      if (!deployments.length)
        return fail(
          id,
          "the bonus part does not deploy GitLab: no Helm install of the gitlab/gitlab chart (helm, Terraform's helm_release or an Argo CD Application of the chart) and no workload running a gitlab/gitlab-ce or gitlab/gitlab-ee image",
          `deploy GitLab into namespace gitlab from a script in ${folderOf(ctx, 'bonus', 'scripts')}/: \`helm upgrade --install gitlab gitlab/gitlab -n gitlab --create-namespace …\` (or manifests running gitlab/gitlab-ce in namespace gitlab)`,
          [{ file: folderOf(ctx, 'bonus', 'scripts') }],
        );
      const good = deployments.find((deployment) => deployment.namespace?.value === 'gitlab' && !deployment.namespace.unresolved.length);
      if (good) return pass(id, `GitLab is deployed into namespace gitlab: ${good.what} (${where(good.location)})`, [good.location]);
      return failWith(
        id,
        deployments.map((deployment): Problem => {
          if (deployment.outsideCluster)
            return {
              message: `${deployment.what} (${where(deployment.location)}) runs GitLab outside the cluster`,
              fix: 'deploy GitLab into the cluster, in namespace gitlab (Helm chart gitlab/gitlab, or manifests)',
              location: deployment.location,
            };
          if (deployment.namespace?.unresolved.length && deployment.via === 'terraform')
            return {
              message: `the namespace of ${deployment.what} at ${where(deployment.namespace.location)} is ${deployment.namespace.unresolved.join(', ')}, which nothing in the part sets`,
              fix: `write namespace = "gitlab" in the helm_release, or give the variable a default (or a value in terraform.tfvars)`,
              location: deployment.namespace.location,
            };
          if (deployment.namespace?.unresolved.length)
            return placeholderProblem(`the namespace of ${deployment.what}`, deployment.namespace);
          const fixes: Record<NonNullable<GitLabDeployment['via']>, string> = {
            helm: 'add -n gitlab --create-namespace to the helm command',
            HelmChart: 'set spec.targetNamespace: gitlab on the HelmChart',
            terraform: 'set namespace = "gitlab" and create_namespace = true in the helm_release',
            Application: 'set spec.destination.namespace: gitlab (with CreateNamespace=true in syncPolicy.syncOptions) on the Application',
          };
          return {
            message: `${deployment.what} (${where(deployment.location)}) deploys GitLab into namespace ${deployment.namespace?.value ?? 'default (nothing sets one)'}, not gitlab`,
            fix: deployment.via
              ? fixes[deployment.via]
              : 'put GitLab in namespace gitlab (metadata.namespace: gitlab, or -n gitlab on the kubectl apply)',
            location: deployment.location,
          };
        }),
      );
    },

    'B-ARGOCD-GITLAB': async (ctx) => {
      const id = 'B-ARGOCD-GITLAB';
      const bonus = await facts(ctx, 'bonus');
      if (!bonus.apps.length) {
        const hidden = await hiddenInBrokenYaml(ctx, 'bonus', id, APPLICATION_TEXT, 'the Application');
        if (hidden) return hidden;
      }
      if (!bonus.apps.length)
        return fail(
          id,
          'the bonus part has no Argo CD Application (manifest or `argocd app create`)',
          `add an Application to ${folderOf(ctx, 'bonus', 'confs')}/ whose repoURL is the local GitLab's repository (e.g. http://gitlab-webservice-default.gitlab.svc:8181/root/<repository>.git)`,
          [{ file: folderOf(ctx, 'bonus', 'confs') }],
        );
      const hints = localHostHints({ ...bonus, releases: [...bonus.releases, ...bonus.toolReleases] });
      const problems: Problem[] = [];
      for (const app of bonus.apps) {
        for (const source of app.sources) {
          const url = source.repoURL;
          // The Application that installs GitLab's chart is not the one that reads the app from GitLab.
          if (!url || isGitLabChartSource(source)) continue;
          // A placeholder outside the host (credentials, path) does not hide which server is read.
          const host = url.unresolved.length ? hostBesidePlaceholders(url.value, url.unresolved) : hostOf(url.value);
          if (url.unresolved.length && !host) {
            problems.push(placeholderProblem(`${describeApp(app)}: repoURL`, url));
            continue;
          }
          const reason = host ? localHostReason(host, hints) : undefined;
          if (reason) return pass(id, `${describeApp(app)} reads ${url.value}: ${reason}`, [url.location]);
          if (host && isMalformedHost(host)) {
            problems.push({
              message: `${describeApp(app)} reads ${url.value}, whose host ${host} is not a host name or address (a placeholder that nothing in the part fills?)`,
              fix: `write the local GitLab's address in repoURL (e.g. http://gitlab-webservice-default.gitlab.svc:8181/root/<repository>.git), or have a script of the part fill it in before applying the Application`,
              location: url.location,
            });
            continue;
          }
          problems.push({
            message: `${describeApp(app)} reads ${url.value}, ${host ? `whose host ${host} is not the local GitLab` : 'which names no host'}`,
            fix: `point repoURL at the local GitLab: its in-cluster Service (e.g. http://gitlab-webservice-default.gitlab.svc:8181/root/<repository>.git), or a host name the part maps to a local address (/etc/hosts entry or Ingress host)`,
            location: url.location,
          });
        }
      }
      if (!problems.length)
        problems.push({
          message: bonus.apps.every((app) => app.sources.length && app.sources.every(isGitLabChartSource))
            ? "the bonus part's only Argo CD Application installs GitLab's chart: no Application reads the app's manifests from the local GitLab"
            : 'no Application of the bonus part has a repoURL',
          fix: 'set spec.source.repoURL to the repository in the local GitLab',
          location: bonus.apps[0]!.location,
        });
      return failWith(id, problems);
    },
  } satisfies StaticChecks;
  return checks;
}

function installNamespaceProblem(install: ArgoInstall): Problem {
  if (install.namespace?.unresolved.length) return placeholderProblem(`the namespace of ${install.what}`, install.namespace);
  const into = install.namespace ? `namespace ${install.namespace.value}` : 'the default namespace (nothing sets one)';
  const fix: Record<ArgoInstall['via'], string> = {
    'manifest URL': 'add -n argocd to that kubectl apply',
    'downloaded manifest': 'add -n argocd to the kubectl apply of the downloaded manifest',
    'kustomize resource': 'set namespace: argocd in that kustomization.yaml',
    'local copy': 'apply the copy with -n argocd (or set metadata.namespace: argocd on its objects)',
    'Helm chart': 'add -n argocd --create-namespace to the helm command',
    'HelmChart object': 'set spec.targetNamespace: argocd on the HelmChart',
  };
  return {
    message: `${install.what} (${where(install.location)}) installs Argo CD into ${into}, not argocd`,
    fix: fix[install.via],
    location: install.location,
  };
}

function pinProblem(install: ArgoInstall): Problem | undefined {
  const version = install.version;
  if (install.via === 'local copy' && !version) return undefined;
  if (version?.unresolved.length) return placeholderProblem(`the ${install.versionKind} of ${install.what}`, version);
  const pinned = version && (install.versionKind === 'chart version' ? PINNED_CHART : PINNED_REF).test(version.value);
  if (pinned) return undefined;
  const location = version?.location ?? install.location;
  switch (install.versionKind) {
    case 'chart version':
      return {
        message: version
          ? `${install.what} (${where(location)}) asks for chart version ${version.value}, not one fixed release`
          : `${install.what} (${where(location)}) names no chart version, so each run installs the newest chart`,
        fix:
          install.via === 'Helm chart'
            ? 'add --version <X.Y.Z> (a fixed chart version) to the helm command'
            : 'set spec.version: <X.Y.Z> on the HelmChart',
        location,
      };
    case 'image tag':
      return {
        message: `${install.what} runs the argocd image tagged ${version?.value || '(no tag)'} (${where(location)}), which moves`,
        fix: `replace the copy with the manifest of a tagged release (${EXAMPLE_MANIFEST})`,
        location,
      };
    default:
      return {
        message: `${install.what} (${where(location)}) ${version?.value ? `names ${version.value}, a ref that moves (branch or alias)` : 'names no release, so it follows the default branch'}, not a fixed release`,
        fix: `name a release tag such as v3.1.5 in the URL (${EXAMPLE_MANIFEST})`,
        location,
      };
  }
}

const isArgoComponent = (object: { name?: string; namespace?: string; body: Record<string, unknown> }): boolean => {
  const labels = (object.body.metadata as { labels?: Record<string, unknown> } | undefined)?.labels;
  return object.namespace === 'argocd' || (object.name ?? '').startsWith('argocd-') || labels?.['app.kubernetes.io/part-of'] === 'argocd';
};

interface ImageVerdict {
  image: ContainerImage;
  ok: boolean;
  why: string;
  needsLogin?: boolean;
  problem?: Problem;
}

const PLAYGROUND = 'wil42/playground';

function judgeImage(image: ContainerImage, logins: readonly string[]): ImageVerdict {
  const field = image.image;
  const label = `${image.object.kind} ${image.object.name ?? ''}`.trimEnd();
  if (field.unresolved.length) return { image, ok: false, why: '', problem: placeholderProblem(`the image of ${label}`, field) };
  const ref = parseImage(field.value);
  const tagged = ref.tag === 'v1' || ref.tag === 'v2';
  const playground = isDockerHub(ref, PLAYGROUND);
  const login = logins.find((candidate) => ref.path.toLowerCase().includes(candidate.toLowerCase()));
  const problem = (message: string, fix: string): ImageVerdict => ({
    image,
    ok: false,
    why: '',
    problem: { message: `${label} runs ${field.value} (${where(field.location)}): ${message}`, fix, location: field.location },
  });
  if (!tagged)
    return problem(
      `tagged ${ref.tag ?? '(none, so latest)'}, not v1 or v2`,
      `tag the image v1 (then v2 for the update): ${playground ? `${PLAYGROUND}:v1` : `${ref.registry ? `${ref.registry}/` : ''}${ref.path}:v1`}`,
    );
  if (playground) {
    if (image.ports.includes(8888)) return { image, ok: true, why: ', container port 8888' };
    return problem('declares no container port 8888', 'add ports: [{ containerPort: 8888 }] to the container');
  }
  if (login) return { image, ok: true, why: `, whose repository contains the login ${login}` };
  if (!logins.length)
    return {
      image,
      ok: false,
      why: '',
      needsLogin: true,
      problem: { message: `${label} runs ${field.value}`, fix: 'set IOT_LOGIN', location: field.location },
    };
  return problem(
    `neither ${PLAYGROUND} nor an image whose repository contains a team login (${logins.join(', ')})`,
    `use ${PLAYGROUND}:v1 with containerPort 8888, or your own image named after your login (e.g. ${logins[0]}/playground:v1)`,
  );
}
