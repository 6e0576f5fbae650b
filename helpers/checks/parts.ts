// Every static check of the catalog, declared per part in catalog order: `check(id, needs, topic)`, the topic
// module holding its body. A suite line `sheet(partTwo['P2-MACHINE'])` goes to the declaration here; the topic module
// is loaded when one of its checks is first graded (the suites, which only read results, load none of them).
import { check, definePart } from './declare.ts';

const layout = () => import('./layout.ts').then((topic) => topic.layoutChecks);
const machines = () => import('./machines.ts').then((topic) => topic.machineChecks);
const provisioning = () => import('./provisioning.ts').then((topic) => topic.provisioningChecks);
const ingress = () => import('./ingress.ts').then((topic) => topic.ingressChecks);
const gitops = () => import('./gitops.ts').then((topic) => topic.gitopsChecks);
const secrets = () => import('./secrets.ts').then((topic) => topic.secretChecks);

export const general = definePart('general', {
  'G-LAYOUT': check('G-LAYOUT', [], layout),
  'G-SHELL-SYNTAX': check('G-SHELL-SYNTAX', [], provisioning),
  'G-YAML': check('G-YAML', [], ingress),
  'G-SHELLCHECK': check('G-SHELLCHECK', [], provisioning),
  'G-NO-SECRETS': check('G-NO-SECRETS', [], secrets),
});

export const partOne = definePart('p1', {
  'P1-VAGRANTFILE': check('P1-VAGRANTFILE', [], machines),
  'P1-MACHINES': check('P1-MACHINES', ['P1-VAGRANTFILE'], machines),
  'P1-NAMES': check('P1-NAMES', ['P1-VAGRANTFILE'], machines),
  'P1-IPS': check('P1-IPS', ['P1-VAGRANTFILE'], machines),
  'P1-RESOURCES': check('P1-RESOURCES', ['P1-VAGRANTFILE'], machines),
  'P1-BOX': check('P1-BOX', ['P1-VAGRANTFILE'], machines),
  'P1-K3S-SERVER': check('P1-K3S-SERVER', ['P1-VAGRANTFILE'], provisioning),
  'P1-K3S-AGENT': check('P1-K3S-AGENT', ['P1-VAGRANTFILE'], provisioning),
  'P1-NODE-IP': check('P1-NODE-IP', ['P1-VAGRANTFILE'], provisioning),
});

export const partTwo = definePart('p2', {
  'P2-VAGRANTFILE': check('P2-VAGRANTFILE', [], machines),
  'P2-MACHINE': check('P2-MACHINE', ['P2-VAGRANTFILE'], machines),
  'P2-K3S-SERVER': check('P2-K3S-SERVER', ['P2-VAGRANTFILE'], provisioning),
  'P2-MANIFESTS': check('P2-MANIFESTS', [], ingress),
  'P2-INGRESS-HOSTS': check('P2-INGRESS-HOSTS', [], ingress),
  'P2-INGRESS-DEFAULT': check('P2-INGRESS-DEFAULT', [], ingress),
  'P2-BACKENDS': check('P2-BACKENDS', [], ingress),
  'P2-THREE-APPS': check('P2-THREE-APPS', [], ingress),
  'P2-APP2-REPLICAS': check('P2-APP2-REPLICAS', [], ingress),
});

export const partThree = definePart('p3', {
  'P3-INSTALL': check('P3-INSTALL', [], provisioning),
  'P3-K3D': check('P3-K3D', [], provisioning),
  'P3-NAMESPACES': check('P3-NAMESPACES', [], gitops),
  'P3-ARGOCD-INSTALL': check('P3-ARGOCD-INSTALL', [], gitops),
  'P3-ARGOCD-PINNED': check('P3-ARGOCD-PINNED', [], gitops),
  'P3-APPLICATION': check('P3-APPLICATION', [], gitops),
  'P3-AUTOSYNC': check('P3-AUTOSYNC', [], gitops),
  'P3-SELFHEAL': check('P3-SELFHEAL', [], gitops),
  'P3-REPO-LOGIN': check('P3-REPO-LOGIN', [], gitops),
  'P3-IMAGE': check('P3-IMAGE', [], gitops),
});

export const bonus = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], gitops),
  'B-GITLAB': check('B-GITLAB', [], gitops),
  'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', [], gitops),
});
