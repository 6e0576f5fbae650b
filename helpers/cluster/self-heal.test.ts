// P3L-SELF-HEAL drifts a field git declares. The fake API below plays Argo CD's self-heal as its default (legacy)
// diff does: after each change, it puts back the fields of the last-applied-configuration (git's manifest, as
// Argo CD applied it), and leaves every other field alone.
import { describe, expect, test } from 'vitest';
import { waitFor, type Expectation } from './expectation.ts';
import { FakeKube, mergePatch } from './fake-kube.ts';
import { declaredFields, planDrift, selfHealRound, type DeploymentLike } from './self-heal.ts';
import { CleanupStack } from './teardown.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A Deployment as git declares it: a student's manifest without spec.replicas, with one label. */
const GIT: DeploymentLike & { apiVersion: string; kind: string } = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'playground', namespace: 'dev', labels: { tier: 'web' } },
  spec: { template: { spec: { containers: [{ name: 'playground', image: 'wil42/playground:v1' }] } } },
};

/** The live object after Argo CD applied GIT (client-side apply: the annotation holds GIT; defaults filled in). */
function liveOf(git: object): DeploymentLike {
  const applied = mergePatch(git, {
    metadata: {
      annotations: { [LAST_APPLIED]: JSON.stringify(git), 'argocd.argoproj.io/tracking-id': 'playground:apps/Deployment:dev/playground' },
    },
  }) as DeploymentLike;
  return mergePatch({ spec: { replicas: 1 } }, applied) as DeploymentLike;
}

/** Argo CD with selfHeal: a moment after a change, the declared fields get git's values back. */
function argoCdSelfHeal(kube: FakeKube): void {
  kube.onPatch = (object) => {
    if (object.kind !== 'Deployment') return;
    const git = JSON.parse(((object.metadata.annotations ?? {}) as Record<string, string>)[LAST_APPLIED] ?? '{}');
    setTimeout(() => {
      const live = kube.get('Deployment', 'dev', 'playground')!;
      const healed = mergePatch(live, {
        metadata: { labels: git.metadata?.labels ?? {} },
        spec: git.spec?.replicas === undefined ? {} : { replicas: git.spec.replicas },
      }) as typeof live;
      const containers = (healed.spec as DeploymentLike['spec'])?.template?.spec?.containers ?? [];
      for (const [i, c] of (git.spec?.template?.spec?.containers ?? []).entries()) if (containers[i]) containers[i]!.image = c.image;
      Object.assign(live, healed);
    }, 50);
  };
}

const poll = (description: string, expectation: Expectation) => waitFor(description, expectation, { timeoutMs: 2_000 });

function cluster(git: object) {
  const kube = new FakeKube().add('Deployment', liveOf(git));
  argoCdSelfHeal(kube);
  return kube;
}

describe('P3L-SELF-HEAL changes what git declares', () => {
  test('scaling a Deployment whose manifest has no replicas is never reverted (what the check did before)', async () => {
    const kube = cluster(GIT);
    await kube.patchDeployment('dev', 'playground', { spec: { replicas: 3 } });
    await expect(
      waitFor(
        'Argo CD to scale back to 1',
        async () =>
          (await kube.deployments('dev'))[0]!.spec?.replicas === 1
            ? { state: 'succeeded', message: 'back' }
            : { state: 'pending', message: 'still 3' },
        {
          timeoutMs: 500,
        },
      ),
    ).rejects.toThrow('timeout waiting for: Argo CD to scale back to 1');
  });

  test('without replicas in git, the declared label is drifted, and Argo CD puts it back', async () => {
    const kube = cluster(GIT);
    const always = new CleanupStack();
    const message = await selfHealRound({
      kube,
      namespace: 'dev',
      name: 'playground',
      always,
      kubectlArgs: ['--kubeconfig', '/tmp/k'],
      poll,
      selfHeal: true,
    });
    expect(message).toMatch(
      /^dev\/playground changed by hand \(label tier: "web" → "web-iot-drift", a field git declares, read from the last-applied-configuration Argo CD wrote\) was put back by Argo CD after \d+ s$/,
    );
    expect(kube.changes[0]).toBe(
      'Deployment dev/playground json [{"op":"replace","path":"/metadata/labels/tier","value":"web-iot-drift"}]',
    );
    // Teardown puts git's value back whatever Argo CD did, in process or from the detached teardown.
    expect(always.pending()[0]!.detached).toEqual({
      kind: 'run',
      cmd: 'kubectl',
      args: [
        '--kubeconfig',
        '/tmp/k',
        '-n',
        'dev',
        'patch',
        'deployment',
        'playground',
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/metadata/labels/tier","value":"web"}]',
      ],
      timeoutMs: 60_000,
    });
  });

  test('with replicas in git, the replicas are drifted, as before', async () => {
    const kube = cluster(mergePatch(GIT, { spec: { replicas: 2 } }) as object);
    const message = await selfHealRound({
      kube,
      namespace: 'dev',
      name: 'playground',
      always: new CleanupStack(),
      kubectlArgs: [],
      poll,
      selfHeal: true,
    });
    expect(message).toContain('(spec.replicas 2 → 4, a field git declares');
  });

  test('a manifest with neither replicas, annotations nor labels: the image, which every manifest declares', () => {
    const bare = {
      metadata: { name: 'playground' },
      spec: { template: { spec: { containers: [{ name: 'playground', image: 'wil42/playground:v1' }] } } },
    };
    const drift = planDrift(declaredFields(liveOf(bare))!);
    expect(drift.description).toBe('image of container playground: wil42/playground:v1 → wil42/playground:iot-drift');
    expect(drift.change).toEqual([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'wil42/playground:iot-drift' }]);
  });

  test("Argo CD's own metadata is not git's: an annotation git declares is chosen over its tracking id; key escaped as a JSON pointer", () => {
    const git = { ...GIT, metadata: { ...GIT.metadata, annotations: { 'example.com/owner': 'alice' } } };
    const drift = planDrift(declaredFields(liveOf(git))!);
    expect(drift.change).toEqual([
      { op: 'replace', path: '/metadata/annotations/example.com~1owner', value: 'alice (changed by hand: iot suite)' },
    ]);
  });

  test('server-side apply: the fields argocd-controller owns say what git declares', () => {
    const live: DeploymentLike = {
      metadata: {
        name: 'playground',
        labels: { 'app.kubernetes.io/name': 'playground' },
        managedFields: [
          { manager: 'kube-controller-manager', operation: 'Update', fieldsV1: { 'f:status': {} } },
          {
            manager: 'argocd-controller',
            operation: 'Apply',
            fieldsV1: {
              'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/name': {} } },
              'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"playground"}': { 'f:image': {}, 'f:name': {} } } } } },
            },
          },
        ],
      },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'playground', image: 'wil42/playground:v1' }] } } },
    };
    const declared = declaredFields(live)!;
    expect(declared).toMatchObject({
      labels: { 'app.kubernetes.io/name': 'playground' },
      images: [{ index: 0, image: 'wil42/playground:v1' }],
    });
    expect(declared.replicas).toBeUndefined();
    expect(planDrift(declared).description).toBe('label app.kubernetes.io/name: "playground" → "playground-iot-drift"');
  });

  test("no annotation and no managed fields: the manifest of the suite's copy of the repository", () => {
    const declared = declaredFields(
      { metadata: { name: 'playground' }, spec: { replicas: 1 } },
      { manifest: mergePatch(GIT, { spec: { replicas: 1 } }) as DeploymentLike, from: 'p3/confs/app/deployment.yaml of the target' },
    );
    expect(declared).toMatchObject({ replicas: 1, from: 'p3/confs/app/deployment.yaml of the target' });
  });
});
