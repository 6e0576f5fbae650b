// The catalog of checks: the contract of ../shared/conformance/CHECKS.md as data.
// A self-test compares it with CHECKS.md whenever that file is reachable.

export type Part = 'general' | 'p1' | 'p2' | 'p3' | 'bonus';
export type Severity = 'required' | 'advised' | 'practice';
export type Tier = 'static' | 'live';

export interface CheckSpec {
  id: string;
  part: Part;
  tier: Tier;
  /** Live checks carry no severity in CHECKS.md: they check what the subject demands, so they are required. */
  severity: Severity;
  title: string;
}

type StaticRow = readonly [id: string, severity: Severity, title: string];
type LiveRow = readonly [id: string, title: string];

const staticChecks = (part: Part, rows: readonly StaticRow[]): CheckSpec[] =>
  rows.map(([id, severity, title]) => ({ id, part, tier: 'static', severity, title }));

const liveChecks = (part: Part, rows: readonly LiveRow[]): CheckSpec[] =>
  rows.map(([id, title]) => ({ id, part, tier: 'live', severity: 'required', title }));

const GENERAL_STATIC = [
  ['G-LAYOUT', 'required', 'parts p1, p2, p3 are present, each script in its scripts/ and each configuration file in its confs/'],
  ['G-SHELL-SYNTAX', 'required', 'every shell script under the parts parses as bash'],
  ['G-YAML', 'required', 'every YAML file under the parts parses, with no duplicate keys'],
  ['G-SHELLCHECK', 'practice', 'no ShellCheck finding of level error in any script'],
  ['G-NO-SECRETS', 'practice', 'no committed K3s token, kubeconfig key, private key or .vagrant/ directory'],
] as const satisfies readonly StaticRow[];

const P1_STATIC = [
  ['P1-VAGRANTFILE', 'required', 'the Vagrantfile evaluates without error'],
  ['P1-MACHINES', 'required', 'exactly two machines are defined'],
  ['P1-NAMES', 'required', 'machine names are <login>S and <login>SW, each hostname equal to its name'],
  ['P1-IPS', 'required', '<login>S has 192.168.56.110 and <login>SW has 192.168.56.111'],
  ['P1-RESOURCES', 'advised', 'every machine sets 1 CPU and 512 or 1024 MB of memory'],
  ['P1-BOX', 'advised', 'every box is a distribution release that is not end-of-life'],
  ['P1-K3S-SERVER', 'required', 'the scripts of <login>S install K3s in server mode'],
  ['P1-K3S-AGENT', 'required', 'the scripts of <login>SW install K3s in agent mode, joining https://192.168.56.110:6443 with a token'],
  ['P1-NODE-IP', 'practice', 'both K3s installs pin the node to the private network'],
] as const satisfies readonly StaticRow[];

const P1_LIVE = [
  ['P1L-UP', 'vagrant up brings both machines to running'],
  ['P1L-SSH', 'vagrant ssh works for both machines with no password'],
  ['P1L-HOSTNAMES', 'the hostname inside each machine equals its name'],
  ['P1L-IPS', 'each machine has its IP on an interface'],
  ['P1L-NODES', 'kubectl get nodes shows two Ready nodes named after the machines, with .110 and .111'],
  ['P1L-SERVICES', 'the server runs k3s and the worker runs k3s-agent'],
  ['P1L-KUBECTL', 'kubectl is on the PATH of both machines'],
] as const satisfies readonly LiveRow[];

const P2_STATIC = [
  ['P2-VAGRANTFILE', 'required', 'the Vagrantfile evaluates without error'],
  ['P2-MACHINE', 'required', 'exactly one machine, name and hostname <login>S, IP 192.168.56.110'],
  ['P2-K3S-SERVER', 'required', 'its scripts install K3s in server mode'],
  ['P2-MANIFESTS', 'required', 'every Kubernetes object is schema-valid, with no unknown fields and valid names'],
  ['P2-INGRESS-HOSTS', 'required', 'Ingress rules route app1.com and app2.com to two different Services'],
  ['P2-INGRESS-DEFAULT', 'required', 'any other host reaches a third Service'],
  ['P2-BACKENDS', 'required', 'every Service an Ingress routes to exists, with its port, and selects a workload'],
  ['P2-THREE-APPS', 'required', 'the three routes reach three different workloads'],
  ['P2-APP2-REPLICAS', 'required', 'the workload behind app2.com has 3 replicas'],
] as const satisfies readonly StaticRow[];

const P2_LIVE = [
  ['P2L-UP', 'vagrant up brings the machine to running'],
  ['P2L-NODE', 'one node, Ready, named <login>S, InternalIP .110'],
  ['P2L-APPS', 'three Deployments available, 3 ready replicas behind app2'],
  ['P2L-ROUTE-APP1', 'Host: app1.com answers 200 with app1'],
  ['P2L-ROUTE-APP2', 'Host: app2.com answers app2, different from app1'],
  ['P2L-ROUTE-DEFAULT', 'any other host answers app3, different from both'],
  ['P2L-APP2-SPREAD', 'requests to app2 are answered by more than one pod'],
  ['P2L-SELF-HEAL', 'deleting an app2 pod brings 3 ready replicas back'],
] as const satisfies readonly LiveRow[];

const P3_STATIC = [
  ['P3-INSTALL', 'required', 'the scripts install Docker, K3d and kubectl'],
  ['P3-K3D', 'required', 'the scripts create a K3d cluster'],
  ['P3-NAMESPACES', 'required', 'namespaces argocd and dev are created'],
  ['P3-ARGOCD-INSTALL', 'required', 'Argo CD is installed into namespace argocd'],
  ['P3-ARGOCD-PINNED', 'practice', 'the Argo CD install names a fixed release'],
  ['P3-APPLICATION', 'required', 'an Argo CD Application targets the in-cluster API and namespace dev, from a GitHub repository'],
  ['P3-AUTOSYNC', 'required', 'the Application syncs automatically'],
  ['P3-SELFHEAL', 'practice', 'the Application sets selfHeal and prune'],
  ['P3-REPO-LOGIN', 'required', 'the GitHub repository name contains a team login'],
  ['P3-IMAGE', 'required', 'the app uses an image tagged v1 or v2'],
] as const satisfies readonly StaticRow[];

const P3_LIVE = [
  ['P3L-CLUSTER', 'the K3d cluster exists and all its nodes are Ready'],
  ['P3L-NAMESPACES', 'namespaces argocd and dev exist'],
  ['P3L-ARGOCD', 'Argo CD is available and its admin password can be read'],
  ['P3L-SYNCED', 'the Application is Synced and Healthy, with a pod in dev'],
  ['P3L-V1', 'the app answers v1 on port 8888'],
  ['P3L-V1-TO-V2', 'a commit changing v1 to v2 makes the app answer v2 at that revision'],
  ['P3L-ROLLBACK', 'reverting that commit brings v1 back'],
  ['P3L-SELF-HEAL', 'a manual change to the Deployment is reverted by Argo CD'],
] as const satisfies readonly LiveRow[];

const BONUS_STATIC = [
  ['B-LAYOUT', 'required', 'the bonus part holds scripts/ and confs/'],
  ['B-GITLAB', 'required', 'GitLab is deployed into namespace gitlab'],
  ['B-ARGOCD-GITLAB', 'required', "an Application's repoURL points at the local GitLab"],
] as const satisfies readonly StaticRow[];

const BONUS_LIVE = [
  ['BL-GITLAB', 'GitLab is ready in namespace gitlab and root can sign in'],
  ['BL-REPO', 'a project in the local GitLab holds the app manifests'],
  ['BL-V1-TO-V2', 'a push of v1 → v2 to the local GitLab makes the app answer v2'],
] as const satisfies readonly LiveRow[];

export const CATALOG: readonly CheckSpec[] = [
  ...staticChecks('general', GENERAL_STATIC),
  ...staticChecks('p1', P1_STATIC),
  ...liveChecks('p1', P1_LIVE),
  ...staticChecks('p2', P2_STATIC),
  ...liveChecks('p2', P2_LIVE),
  ...staticChecks('p3', P3_STATIC),
  ...liveChecks('p3', P3_LIVE),
  ...staticChecks('bonus', BONUS_STATIC),
  ...liveChecks('bonus', BONUS_LIVE),
];

type IdOf<Rows extends readonly (StaticRow | LiveRow)[]> = Rows[number][0];

/** The static check IDs of each part, in catalog order: a typo in an ID does not compile. */
export interface StaticIdsOfPart {
  general: IdOf<typeof GENERAL_STATIC>;
  p1: IdOf<typeof P1_STATIC>;
  p2: IdOf<typeof P2_STATIC>;
  p3: IdOf<typeof P3_STATIC>;
  bonus: IdOf<typeof BONUS_STATIC>;
}
export type GeneralStaticId = StaticIdsOfPart['general'];
export type P1StaticId = StaticIdsOfPart['p1'];
export type P2StaticId = StaticIdsOfPart['p2'];
export type P3StaticId = StaticIdsOfPart['p3'];
export type BonusStaticId = StaticIdsOfPart['bonus'];
export type StaticCheckId = StaticIdsOfPart[Part];
export type LiveCheckId = IdOf<typeof P1_LIVE> | IdOf<typeof P2_LIVE> | IdOf<typeof P3_LIVE> | IdOf<typeof BONUS_LIVE>;
export type CheckId = StaticCheckId | LiveCheckId;

/** Each part's static check IDs at run time, in catalog order. */
export const STATIC_IDS_OF_PART: { readonly [P in Part]: readonly StaticIdsOfPart[P][] } = {
  general: GENERAL_STATIC.map(([id]) => id),
  p1: P1_STATIC.map(([id]) => id),
  p2: P2_STATIC.map(([id]) => id),
  p3: P3_STATIC.map(([id]) => id),
  bonus: BONUS_STATIC.map(([id]) => id),
};

const byId = new Map(CATALOG.map((spec) => [spec.id, spec]));

export function checkSpec(id: string): CheckSpec {
  const spec = byId.get(id);
  if (!spec) throw new Error(`unknown check ID ${id}: it is not in the catalog (helpers/catalog/checks.ts)`);
  return spec;
}

export const PART_TITLES: Record<Part, string> = {
  general: 'General',
  p1: 'Part 1 — K3s and Vagrant',
  p2: 'Part 2 — three apps behind one Ingress',
  p3: 'Part 3 — K3d and Argo CD',
  bonus: 'Bonus — GitLab',
};
