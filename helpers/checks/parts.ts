// Every static check of the catalog, declared per part in catalog order: `check(id, needs, body)`.
// A suite line `sheet(partTwo['P2-MACHINE'])` goes to the declaration here; the body is in its topic module.
import { check, definePart } from './declare.ts';
import { gitopsChecks } from './gitops.ts';
import { ingressChecks } from './ingress.ts';
import { layoutChecks } from './layout.ts';
import { machineChecks } from './machines.ts';
import { provisioningChecks } from './provisioning.ts';
import { secretChecks } from './secrets.ts';

export const general = definePart('general', {
  'G-LAYOUT': check('G-LAYOUT', [], layoutChecks['G-LAYOUT']),
  'G-SHELL-SYNTAX': check('G-SHELL-SYNTAX', [], provisioningChecks['G-SHELL-SYNTAX']),
  'G-YAML': check('G-YAML', [], ingressChecks['G-YAML']),
  'G-SHELLCHECK': check('G-SHELLCHECK', [], provisioningChecks['G-SHELLCHECK']),
  'G-NO-SECRETS': check('G-NO-SECRETS', [], secretChecks['G-NO-SECRETS']),
});

export const partOne = definePart('p1', {
  'P1-VAGRANTFILE': check('P1-VAGRANTFILE', [], machineChecks['P1-VAGRANTFILE']),
  'P1-MACHINES': check('P1-MACHINES', ['P1-VAGRANTFILE'], machineChecks['P1-MACHINES']),
  'P1-NAMES': check('P1-NAMES', ['P1-VAGRANTFILE'], machineChecks['P1-NAMES']),
  'P1-IPS': check('P1-IPS', ['P1-VAGRANTFILE'], machineChecks['P1-IPS']),
  'P1-RESOURCES': check('P1-RESOURCES', ['P1-VAGRANTFILE'], machineChecks['P1-RESOURCES']),
  'P1-BOX': check('P1-BOX', ['P1-VAGRANTFILE'], machineChecks['P1-BOX']),
  'P1-K3S-SERVER': check('P1-K3S-SERVER', [], provisioningChecks['P1-K3S-SERVER']),
  'P1-K3S-AGENT': check('P1-K3S-AGENT', [], provisioningChecks['P1-K3S-AGENT']),
  'P1-NODE-IP': check('P1-NODE-IP', [], provisioningChecks['P1-NODE-IP']),
});

export const partTwo = definePart('p2', {
  'P2-VAGRANTFILE': check('P2-VAGRANTFILE', [], machineChecks['P2-VAGRANTFILE']),
  'P2-MACHINE': check('P2-MACHINE', ['P2-VAGRANTFILE'], machineChecks['P2-MACHINE']),
  'P2-K3S-SERVER': check('P2-K3S-SERVER', [], provisioningChecks['P2-K3S-SERVER']),
  'P2-MANIFESTS': check('P2-MANIFESTS', [], ingressChecks['P2-MANIFESTS']),
  'P2-INGRESS-HOSTS': check('P2-INGRESS-HOSTS', [], ingressChecks['P2-INGRESS-HOSTS']),
  'P2-INGRESS-DEFAULT': check('P2-INGRESS-DEFAULT', [], ingressChecks['P2-INGRESS-DEFAULT']),
  'P2-BACKENDS': check('P2-BACKENDS', [], ingressChecks['P2-BACKENDS']),
  'P2-THREE-APPS': check('P2-THREE-APPS', [], ingressChecks['P2-THREE-APPS']),
  'P2-APP2-REPLICAS': check('P2-APP2-REPLICAS', [], ingressChecks['P2-APP2-REPLICAS']),
});

export const partThree = definePart('p3', {
  'P3-INSTALL': check('P3-INSTALL', [], provisioningChecks['P3-INSTALL']),
  'P3-K3D': check('P3-K3D', [], provisioningChecks['P3-K3D']),
  'P3-NAMESPACES': check('P3-NAMESPACES', [], gitopsChecks['P3-NAMESPACES']),
  'P3-ARGOCD-INSTALL': check('P3-ARGOCD-INSTALL', [], gitopsChecks['P3-ARGOCD-INSTALL']),
  'P3-ARGOCD-PINNED': check('P3-ARGOCD-PINNED', [], gitopsChecks['P3-ARGOCD-PINNED']),
  'P3-APPLICATION': check('P3-APPLICATION', [], gitopsChecks['P3-APPLICATION']),
  'P3-AUTOSYNC': check('P3-AUTOSYNC', [], gitopsChecks['P3-AUTOSYNC']),
  'P3-SELFHEAL': check('P3-SELFHEAL', [], gitopsChecks['P3-SELFHEAL']),
  'P3-REPO-LOGIN': check('P3-REPO-LOGIN', [], gitopsChecks['P3-REPO-LOGIN']),
  'P3-IMAGE': check('P3-IMAGE', [], gitopsChecks['P3-IMAGE']),
});

export const bonus = definePart('bonus', {
  'B-LAYOUT': check('B-LAYOUT', [], gitopsChecks['B-LAYOUT']),
  'B-GITLAB': check('B-GITLAB', [], gitopsChecks['B-GITLAB']),
  'B-ARGOCD-GITLAB': check('B-ARGOCD-GITLAB', [], gitopsChecks['B-ARGOCD-GITLAB']),
});
