import { describe, expect, test } from 'vitest';
import { applicationsOf, autoSync, syncOptions } from './applications.ts';
import { objects, script } from './fake-facts.ts';

const manifest = (syncPolicy: string): string => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://github.com/wil42/wil-iot.git
      path: app
  destination:
    server: https://kubernetes.default.svc
    namespace: dev
${syncPolicy}`;

describe('Application manifests', () => {
  test('sources[], destination and sync policy with their lines', () => {
    const [app] = applicationsOf([], objects('p3/confs/app.yaml', manifest('  syncPolicy:\n    automated:\n      selfHeal: true\n')));
    expect(app!.sources[0]!.repoURL).toMatchObject({
      value: 'https://github.com/wil42/wil-iot.git',
      location: { file: 'p3/confs/app.yaml', line: 9 },
    });
    expect(app!.destination.namespace?.value).toBe('dev');
    expect(autoSync(app!)).toMatchObject({ on: true, selfHeal: true, prune: false });
  });

  test('automated written empty is no automated sync; enabled: false is off', () => {
    const [empty] = applicationsOf([], objects('a.yaml', manifest('  syncPolicy:\n    automated:\n')));
    expect(autoSync(empty!)).toMatchObject({ on: false, offBecause: expect.stringMatching(/empty/) });
    const [disabled] = applicationsOf([], objects('a.yaml', manifest('  syncPolicy:\n    automated:\n      enabled: false\n')));
    expect(autoSync(disabled!)?.on).toBe(false);
    const [none] = applicationsOf([], objects('a.yaml', manifest('')));
    expect(autoSync(none!)).toBeUndefined();
  });
});

describe('argocd app create and later changes', () => {
  test('create flags', () => {
    const [app] = applicationsOf(
      [
        script('s.sh', [
          'argocd app create playground --repo https://github.com/wil42/wil-iot.git --path app --dest-server https://kubernetes.default.svc --dest-namespace dev --sync-policy automated --auto-prune --self-heal --sync-option CreateNamespace=true --upsert',
        ]),
      ],
      [],
    );
    expect(app).toMatchObject({ name: 'playground', via: 'argocd app create', destination: { namespace: { value: 'dev' } } });
    expect(autoSync(app!)).toMatchObject({ on: true, prune: true, selfHeal: true });
    expect(syncOptions(app!)).toEqual(['CreateNamespace=true']);
  });

  test('argocd app set adds the policy to an Application created earlier', () => {
    const [app] = applicationsOf(
      [
        script('s.sh', [
          'argocd app create playground --repo https://github.com/wil42/wil-iot.git --path app --dest-server https://kubernetes.default.svc --dest-namespace dev',
          'argocd app set playground --sync-policy automated',
          'argocd app set playground --self-heal --auto-prune',
          'argocd app set other --sync-policy none',
        ]),
      ],
      [],
    );
    expect(autoSync(app!)).toMatchObject({ on: true, prune: true, selfHeal: true });
    expect(app!.amendedBy.map((location) => location.line)).toEqual([2, 3]);
  });

  test('kubectl patch of a manifest Application (merge and JSON patch)', () => {
    const apps = applicationsOf(
      [
        script('s.sh', [
          `kubectl patch application app -n argocd --type merge -p '{"spec":{"syncPolicy":{"automated":{"prune":true}}}}'`,
          `kubectl patch app/app -n argocd --type json -p '[{"op":"add","path":"/spec/syncPolicy/automated/selfHeal","value":true}]'`,
        ]),
      ],
      objects('a.yaml', manifest('')),
    );
    expect(autoSync(apps[0]!)).toMatchObject({ on: true, prune: true, selfHeal: true });
  });

  test('argocd app create -f file is the manifest, not a second Application', () => {
    expect(applicationsOf([script('s.sh', ['argocd app create -f app.yaml'])], [])).toEqual([]);
  });

  // Argo CD's CLI compares the value as written: argoproj/argo-cd cmd/util/app.go, SetAppSpecOptions,
  // case "sync-policy": "automated", "automatic", "auto" set automated sync; "none" (and "manual" in
  // newer releases) clear it; anything else is log.Fatalf("Invalid sync-policy: %s").
  const create = (policy: string): string =>
    `argocd app create playground --repo https://github.com/wil42/wil-iot.git --path app --dest-server https://kubernetes.default.svc --dest-namespace dev ${policy}`;

  test('--sync-policy auto and automatic are aliases of automated, on create and on set', () => {
    for (const policy of ['automated', 'auto', 'automatic', '--sync-policy=auto'].map((value) =>
      value.startsWith('-') ? value : `--sync-policy ${value}`,
    )) {
      const [created] = applicationsOf([script('s.sh', [create(policy)])], []);
      expect(`${policy}: ${autoSync(created!)?.on}`).toBe(`${policy}: true`);
      const [set] = applicationsOf([script('s.sh', [create(''), `argocd app set playground ${policy}`])], []);
      expect(`${policy} (set): ${autoSync(set!)?.on}`).toBe(`${policy} (set): true`);
    }
    const [manual] = applicationsOf([script('s.sh', [create('--sync-policy auto'), 'argocd app set playground --sync-policy manual'])], []);
    expect(autoSync(manual!)).toBeUndefined();
  });

  test('a value argocd refuses (Automatic, true) or a placeholder: no automated sync, and the reason names the command', () => {
    const [upper] = applicationsOf([script('s.sh', [create('--sync-policy Automatic --auto-prune --self-heal')])], []);
    expect(autoSync(upper!)).toMatchObject({
      on: false,
      offBecause:
        '`--sync-policy Automatic` (s.sh:1) is not a value argocd accepts (automated, auto, automatic or none, written in lower case): `argocd app create` stops with "Invalid sync-policy: Automatic", so the Application is not created',
    });
    const [unset] = applicationsOf([script('s.sh', [create('--sync-policy $POLICY')])], []);
    expect(autoSync(unset!)?.offBecause).toBe('the --sync-policy value at s.sh:1 holds $POLICY, which nothing resolves');
    // A refused create made no Application: a later `argocd app set` has nothing to change. A refused set changes nothing.
    const [refused] = applicationsOf(
      [script('s.sh', [create('--sync-policy true'), 'argocd app set playground --sync-policy automated'])],
      [],
    );
    expect(autoSync(refused!)?.on).toBe(false);
    const [kept] = applicationsOf([script('s.sh', [create('--sync-policy auto'), 'argocd app set playground --sync-policy Manual'])], []);
    expect(autoSync(kept!)?.on).toBe(true);
  });
});
