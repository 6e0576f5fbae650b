import { describe, expect, test } from 'vitest';
import { objectsOfDocument } from './documents.ts';
import type { ManifestObject } from './model.ts';
import { validateObject } from './validate.ts';
import { parseYaml } from './yaml-files.ts';

function objectOf(text: string, values: Record<string, string> = {}): ManifestObject {
  const file = parseYaml('p2/confs/apps.yaml', text);
  expect(file.errors).toEqual([]);
  const objects = file.documents.flatMap((doc) => objectsOfDocument(doc, values));
  expect(objects).toHaveLength(1);
  return objects[0];
}

const problemsOf = (text: string, values: Record<string, string> = {}): string[] =>
  validateObject(objectOf(text, values)).map((problem) => `${problem.line}: ${problem.message}`);

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app2
  labels:
    app.kubernetes.io/name: app2
spec:
  replicas: 3
  selector:
    matchLabels:
      app: app2
  strategy:
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}
  template:
    metadata:
      labels:
        app: app2
      annotations:
        example.com/anything: "any value"
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers:
        - name: app2
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 80
          resources:
            limits: {cpu: 500m, memory: 128Mi}
            requests: {cpu: 1}
`;

describe('schema validation', () => {
  test('a valid Deployment (maps, int-or-string, quantities) has no problem', () => {
    expect(problemsOf(DEPLOYMENT)).toEqual([]);
  });

  test('an unknown field is reported with its path, line and the field meant', () => {
    expect(problemsOf(DEPLOYMENT.replace('  replicas: 3', '  replicaz: 3'))).toEqual([
      '8: spec.replicaz: unknown field; did you mean replicas?',
    ]);
  });

  test('unknown fields are found at every depth', () => {
    const text = DEPLOYMENT.replace(
      '          ports:\n            - name: http\n              containerPort: 80',
      '          portz: []\n          ports:\n            - name: http\n              containerport: 80\n              containerPort: 80',
    );
    expect(problemsOf(text)).toEqual([
      '25: spec.template.spec.containers[0].portz: unknown field; did you mean ports?',
      '28: spec.template.spec.containers[0].ports[0].containerport: unknown field; did you mean containerPort?',
    ]);
  });

  test('an unknown field with no near name lists the known ones', () => {
    const [problem] = problemsOf(DEPLOYMENT.replace('  replicas: 3', '  replicas: 3\n  colour: blue'));
    expect(problem).toMatch(/^9: spec\.colour: unknown field; remove it \(known fields here: .*replicas.*\)$/);
  });

  test('types, required fields and enums are reported as the API server words them', () => {
    const text = DEPLOYMENT.replace('  replicas: 3', '  replicas: "3"')
      .replace(/  selector:\n    matchLabels:\n      app: app2\n/, '')
      .replace('image: nginx:1.27', 'image: nginx:1.27\n          imagePullPolicy: Sometimes');
    expect(problemsOf(text)).toEqual([
      '7: spec.selector: required field is missing',
      '8: spec.replicas: must be an integer, not the string "3"',
      '22: spec.template.spec.containers[0].imagePullPolicy: must be one of "Always", "IfNotPresent", "Never", not the string "Sometimes"',
    ]);
  });

  test('a Service port accepts a number or a name as targetPort, and nothing else', () => {
    const service = (targetPort: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: app2}\nspec:\n  selector: {app: app2}\n  ports:\n    - port: 80\n      targetPort: ${targetPort}\n`;
    expect(problemsOf(service('8080'))).toEqual([]);
    expect(problemsOf(service('http'))).toEqual([]);
    expect(problemsOf(service('true'))).toEqual(['8: spec.ports[0].targetPort: must be a string or an integer, not true']);
    expect(problemsOf(service('"8080"'))).toEqual(['8: spec.ports[0].targetPort: port name "8080" must contain at least one letter']);
    expect(problemsOf(service('70000'))).toEqual(['8: spec.ports[0].targetPort: 70000 is not a port number (1-65535)']);
  });

  test('free-form fields (x-kubernetes-preserve-unknown-fields) take anything; the rest of a CRD schema is closed', () => {
    const application = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: playground, namespace: argocd}
spec:
  project: default
  source:
    repoURL: https://github.com/wil42/wil-iot.git
    path: app
    helm:
      valuesObject: {anything: {goes: [1, 2]}}
  destination: {server: https://kubernetes.default.svc, namespace: dev}
  syncPolicy:
    automated: {prune: true, selfheal: true}
`;
    expect(problemsOf(application)).toEqual(['13: spec.syncPolicy.automated.selfheal: unknown field; did you mean selfHeal?']);
  });

  test('a kind without a schema (an unknown CRD) is not failed for its fields, but for its name', () => {
    expect(problemsOf('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {whatever: 1}\n')).toEqual([]);
    expect(problemsOf('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: W_1}\n')).toEqual([
      '3: metadata.name: "W_1" is not a valid DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
    ]);
  });

  test('a removed apiVersion and a misspelt kind are reported on their lines', () => {
    expect(
      problemsOf(
        'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  backend: {serviceName: app3, servicePort: 80}\n',
      ),
    ).toEqual([
      '1: apiVersion: extensions/v1beta1 Ingress is no longer served: Kubernetes removed it in 1.22; use apiVersion networking.k8s.io/v1 (backends become service.name and service.port.number or service.port.name, and each path needs a pathType)',
    ]);
    expect(problemsOf('apiVersion: networking.k8s.io/v1\nkind: Ingres\nmetadata: {name: web}\n')).toEqual([
      '2: kind: apiVersion networking.k8s.io/v1 has no kind Ingres; did you mean Ingress?',
    ]);
    expect(problemsOf('apiVersion: v1\nkind: Deployment\nmetadata: {name: web}\n')).toEqual([
      '2: kind: Deployment is not served by v1; use apiVersion apps/v1',
    ]);
  });

  test('the selector must match the pod template labels, and a container needs an image', () => {
    const text = DEPLOYMENT.replace(
      '      labels:\n        app: app2\n      annotations',
      '      labels:\n        app: other\n      annotations',
    ).replace('          image: nginx:1.27\n', '');
    expect(problemsOf(text)).toEqual([
      '16: spec.template.metadata.labels: the `selector` does not match the template `labels`; give the pod template every label spec.selector.matchLabels names',
      '23: spec.template.spec.containers[0].image: required field is missing',
    ]);
  });
});

describe('names, labels and annotations', () => {
  const named = (apiVersion: string, kind: string, name: string) =>
    problemsOf(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: "${name}"\n`);

  test('metadata.name follows the rule of its kind', () => {
    expect(named('apps/v1', 'ReplicaSet', 'my.app-1')).toEqual([]);
    expect(named('v1', 'ConfigMap', 'App')[0]).toMatch(/^4: metadata\.name: "App" is not a valid DNS-1123 subdomain/);
    expect(named('v1', 'Service', '1app')[0]).toMatch(/^4: metadata\.name: "1app" is not a valid DNS-1035 label/);
    expect(named('v1', 'Namespace', 'my.ns')[0]).toMatch(/^4: metadata\.name: "my\.ns" is not a valid DNS-1123 label/);
    expect(named('rbac.authorization.k8s.io/v1', 'ClusterRole', 'system:reader')).toEqual([]);
    expect(named('v1', 'ConfigMap', 'a'.repeat(254))[0]).toMatch(/is longer than 253 characters/);
    expect(named('batch/v1', 'CronJob', 'a'.repeat(53))).toEqual([
      '1: spec: required field is missing',
      `4: metadata.name: "${'a'.repeat(53)}" is longer than 52 characters`,
    ]);
    expect(problemsOf('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: app-\n')).toEqual([]);
    expect(problemsOf('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n')).toEqual([
      '3: metadata.name: required field is missing',
    ]);
  });

  test('a label or annotation key of the wrong form is an invalid-key problem, any other rejected value not', () => {
    const obj = objectOf(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    "bad key": x\n    long: ${'x'.repeat(64)}\n  annotations:\n    "two/slashes/no": x\n`,
    );
    expect(validateObject(obj).map((problem) => [problem.line, problem.kind])).toEqual([
      [6, 'invalid-key'],
      [7, 'rejected'],
      [9, 'invalid-key'],
    ]);
  });

  test('label keys and values, annotation keys', () => {
    const problems = problemsOf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels:
    app.kubernetes.io/name: ok
    empty: ""
    "bad key": x
    long: ${'x'.repeat(64)}
    number: 1
    -leading: x
    Upper.Case/prefix: x
  annotations:
    "example.com/ok": anything at all
    "Example.COM/Owner": upper case is fine in an annotation key
    "two/slashes/no": x
    count: 3
`);
    expect(problems).toEqual([
      '8: metadata.labels["bad key"]: invalid label key "bad key": use letters, digits, "-", "_" and ".", starting and ending with a letter or digit (and an optional prefix such as app.kubernetes.io/)',
      `9: metadata.labels.long: invalid label value "${'x'.repeat(64)}": it is longer than 63 characters`,
      '10: metadata.labels.number: must be a string, not 1',
      '11: metadata.labels["-leading"]: invalid label key "-leading": use letters, digits, "-", "_" and ".", starting and ending with a letter or digit (and an optional prefix such as app.kubernetes.io/)',
      '12: metadata.labels["Upper.Case/prefix"]: invalid label key "Upper.Case/prefix": the prefix before "/" must be a DNS subdomain (lowercase letters, digits, "-" and ".")',
      '16: metadata.annotations["two/slashes/no"]: invalid annotation key "two/slashes/no": it has more than one "/"',
      '17: metadata.annotations.count: must be a string, not 3',
    ]);
  });
});

describe('label keys wherever the API server checks them (apimachinery IsQualifiedName)', () => {
  test('the prefix and the name part are both checked; IOT/owner is not a label key', () => {
    const problems = problemsOf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels:
    IOT/owner: wil
    iot.42.fr/owner: wil
    IOT/-bad: x
    ${'a'.repeat(254)}/x: z
    ok/${'n'.repeat(64)}: z
  annotations:
    IOT/owner: the API server lowercases annotation keys before checking them
`);
    expect(problems).toEqual([
      '6: metadata.labels["IOT/owner"]: invalid label key "IOT/owner": the prefix before "/" must be a DNS subdomain (lowercase letters, digits, "-" and ".")',
      '8: metadata.labels["IOT/-bad"]: invalid label key "IOT/-bad": the prefix before "/" must be a DNS subdomain (lowercase letters, digits, "-" and "."); the name after "/" must use letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      `9: metadata.labels["${'a'.repeat(254)}/x"]: invalid label key "${'a'.repeat(254)}/x": the prefix before "/" is longer than 253 characters`,
      `10: metadata.labels["ok/${'n'.repeat(64)}"]: invalid label key "ok/${'n'.repeat(64)}": the name is longer than 63 characters`,
    ]);
  });

  test('workload selectors (matchLabels, matchExpressions) and a pod nodeSelector', () => {
    const problems = problemsOf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector:
    matchLabels: {IOT/app: a}
    matchExpressions: [{key: Tier/x, operator: Exists}]
  template:
    metadata: {labels: {IOT/app: a}}
    spec:
      nodeSelector: {IOT/zone: a}
      containers: [{name: app, image: nginx}]
`);
    expect(problems.map((problem) => problem.replace(/: invalid label key .*$/, ''))).toEqual([
      '6: spec.selector.matchLabels["IOT/app"]',
      '7: spec.selector.matchExpressions[0].key',
      '9: spec.template.metadata.labels["IOT/app"]',
      '9: spec.template.metadata.labels: the `selector` does not match the template `labels`; give the pod template every label spec.selector.matchLabels names',
      '11: spec.template.spec.nodeSelector["IOT/zone"]',
    ]);
  });
});

describe('placeholders', () => {
  const scaled =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app2}\nspec:\n  replicas: ${REPLICAS}\n  selector: {matchLabels: {app: app2}}\n  template:\n    metadata: {labels: {app: app2}}\n    spec:\n      containers: [{name: app2, image: "nginx:${TAG}"}]\n';

  test('a resolved placeholder takes the type YAML gives its value', () => {
    const obj = objectOf(scaled, { REPLICAS: '3', TAG: '1.27' });
    expect((obj.body.spec as { replicas: unknown }).replicas).toBe(3);
    expect(obj.unresolved).toEqual({});
    expect(validateObject(obj)).toEqual([]);
  });

  test('an unresolved placeholder is recorded by field path and named instead of a type error', () => {
    const obj = objectOf(scaled);
    expect(obj.unresolved).toEqual({ 'spec.replicas': ['${REPLICAS}'], 'spec.template.spec.containers[0].image': ['${TAG}'] });
    expect(validateObject(obj).map((problem) => `${problem.line}: ${problem.message}`)).toEqual([
      "5: spec.replicas: placeholder ${REPLICAS} is not set; define it in the target's .env (or .env.example) or write the value",
    ]);
    expect(validateObject(obj).map((problem) => problem.kind)).toEqual(['unset-placeholder']);
  });
});
