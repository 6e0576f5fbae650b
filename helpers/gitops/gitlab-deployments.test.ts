// How a bonus part deploys GitLab, in the forms real repositories use beside `helm install gitlab/gitlab`:
// a chart folder the scripts pulled (pioupia/inception-of-things) and the GitLab Operator (Kernicterus/IoT_42_bcarolle).
import { describe, expect, test } from 'vitest';
import { script, objects } from './fake-facts.ts';
import { gitlabDeployments } from './gitlab.ts';
import { helmPullOf, pulledChart } from './helm-pull.ts';
import { helmReleases } from './helm.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { ScriptFacts } from '../shell/model.ts';

const deployments = (scripts: ScriptFacts[], objectList: ManifestObject[] = []) =>
  gitlabDeployments(scripts, objectList, helmReleases(scripts, objectList), []).map((found) => ({
    what: found.what,
    namespace: found.namespace?.value,
  }));

describe('helm pull --untar', () => {
  test.each([
    ['helm pull gitlab/gitlab --untar', 'gitlab'],
    ['helm fetch gitlab/gitlab --untar=true --version 9.4.1', 'gitlab'],
    ['helm pull gitlab/gitlab --untar --untardir charts', 'charts/gitlab'],
    ['helm pull gitlab/gitlab --untar --untardir /opt/charts -d /tmp', '/opt/charts/gitlab'],
    ['helm pull gitlab --repo https://charts.gitlab.io --untar -d ./vendor', 'vendor/gitlab'],
    ['helm pull oci://registry.gitlab.com/gitlab-org/charts/gitlab --untar', 'gitlab'],
    ['sudo helm pull https://charts.gitlab.io/gitlab-9.4.1.tgz --untar', 'gitlab'],
  ])('%s unpacks into %s', (line, folder) => {
    expect(helmPullOf(script('bonus/scripts/gitlab.sh', [line]).commands[0]!)?.folder).toBe(folder);
  });

  test('a pull without --untar leaves an archive, not a folder', () => {
    expect(helmPullOf(script('bonus/scripts/gitlab.sh', ['helm pull gitlab/gitlab']).commands[0]!)).toBeUndefined();
  });

  test('the folder an install names is the pull before it in the script, or a pull in another script', () => {
    const deploy = script('bonus/scripts/deploy.sh', ['helm install gitlab ./gitlab/ -n gitlab', 'helm pull gitlab/gitlab --untar']);
    const fetch = script('bonus/scripts/fetch.sh', ['helm pull gitlab/gitlab --untar --untardir charts']);
    expect(pulledChart('./gitlab/', deploy, 0, [deploy])).toBeUndefined();
    expect(pulledChart('./gitlab/', deploy, 2, [deploy])?.location).toEqual({ file: 'bonus/scripts/deploy.sh', line: 2 });
    expect(pulledChart('charts/gitlab', deploy, 0, [deploy, fetch])?.location).toEqual({ file: 'bonus/scripts/fetch.sh', line: 1 });
    expect(pulledChart('./other', deploy, 2, [deploy, fetch])).toBeUndefined();
  });
});

describe('GitLab deployed from a chart folder the part pulled', () => {
  test("helm pull gitlab/gitlab --untar, then helm install gitlab ./gitlab/ (pioupia's deploy.sh)", () => {
    const deploy = script('bonus/scripts/deploy.sh', [
      'helm repo add gitlab https://charts.gitlab.io/',
      'helm pull gitlab/gitlab --untar',
      'kubectl create namespace gitlab',
      'cp ./confs/gitlab-values.yaml ./gitlab/values.yaml',
      'helm install gitlab ./gitlab/ -n gitlab',
    ]);
    expect(deployments([deploy])).toEqual([
      { what: 'the Helm chart ./gitlab/ (pulled from gitlab/gitlab at bonus/scripts/deploy.sh:2)', namespace: 'gitlab' },
    ]);
  });

  test('with --untardir, the folder under it', () => {
    const deploy = script('bonus/scripts/deploy.sh', [
      'helm pull gitlab/gitlab --untar --untardir vendor',
      'helm upgrade --install gitlab ./vendor/gitlab -n gitlab --create-namespace',
    ]);
    expect(deployments([deploy])).toMatchObject([{ what: expect.stringContaining('pulled from gitlab/gitlab'), namespace: 'gitlab' }]);
  });

  test('a folder pulled from another chart, or installed before the pull, is not GitLab', () => {
    const other = script('bonus/scripts/deploy.sh', ['helm pull bitnami/nginx --untar', 'helm install gitlab ./nginx/ -n gitlab']);
    const before = script('bonus/scripts/deploy.sh', ['helm install gitlab ./gitlab/ -n gitlab', 'helm pull gitlab/gitlab --untar']);
    expect(deployments([other])).toEqual([]);
    expect(deployments([before])).toEqual([]);
  });
});

describe('GitLab deployed by the GitLab Operator', () => {
  const gitlab = (metadata: string, apiVersion = 'apps.gitlab.com/v1beta1') =>
    objects(
      'bonus/confs/gitlab.yaml',
      `apiVersion: ${apiVersion}\nkind: GitLab\nmetadata:\n${metadata}\nspec:\n  chart:\n    version: 8.8.2\n    values:\n      global:\n        hosts:\n          domain: localhost\n`,
    );

  test('a GitLab object (apps.gitlab.com/v1beta1) in namespace gitlab', () => {
    expect(deployments([], gitlab('  name: gitlab\n  namespace: gitlab'))).toEqual([
      {
        what: "the GitLab object gitlab (apps.gitlab.com/v1beta1), from which the GitLab Operator installs GitLab's chart 8.8.2",
        namespace: 'gitlab',
      },
    ]);
  });

  test('its namespace is the kubectl apply -n when the object names none; another API group is not the operator', () => {
    const applied = script('bonus/scripts/gitlab.sh', ['kubectl apply -n gitlab -f ../confs/gitlab.yaml']);
    expect(gitlabDeployments([applied], gitlab('  name: gitlab'), [], [])).toHaveLength(1);
    expect(deployments([], gitlab('  name: gitlab\n  namespace: gitlab', 'example.com/v1'))).toEqual([]);
  });
});
