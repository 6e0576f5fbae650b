// What a script's commands do to the host, as the boot plan needs it: create a k3d cluster, deploy to a
// cluster, delete one, install host tools. Read from the analysed commands (wrappers removed, variables
// expanded), so `"$K3D" cluster create` counts and a message naming a command does not.
import { kubectlArgs } from './imperative.ts';
import { effective } from './invocation.ts';
import type { ShellCommand } from './model.ts';

/** k3d cluster create's options that take a value as the next word. */
const K3D_VALUED = new Set([
  '-a',
  '--agents',
  '-s',
  '--servers',
  '-p',
  '--port',
  '-c',
  '--config',
  '-v',
  '--volume',
  '-e',
  '--env',
  '-i',
  '--image',
  '--api-port',
  '--k3s-arg',
  '--k3s-node-label',
  '--runtime-label',
  '--network',
  '--registry-use',
  '--registry-config',
  '--registry-create',
  '--servers-memory',
  '--agents-memory',
  '--timeout',
  '--token',
  '--subnet',
  '--host-alias',
  '--gpus',
]);

/** The command as run: `k3s kubectl …` is kubectl. */
function runArgv(command: ShellCommand): { name: string; args: string[] } {
  const { argv, name } = effective(command);
  const args = argv.slice(1).map((word) => word.value);
  if (name === 'k3s' && args[0] === 'kubectl') return { name: 'kubectl', args: args.slice(1) };
  return { name, args };
}

const isK3dCluster = (command: ShellCommand, verb: string): boolean => {
  const { name, args } = runArgv(command);
  return name === 'k3d' && args[0] === 'cluster' && args[1] === verb;
};

export const createsK3dCluster = (command: ShellCommand): boolean => isK3dCluster(command, 'create');
export const deletesK3dCluster = (command: ShellCommand): boolean => isK3dCluster(command, 'delete');

/** The cluster a `k3d cluster create` names (its first argument that is not an option), if it names one. */
export function k3dClusterName(command: ShellCommand): string | undefined {
  if (!createsK3dCluster(command)) return undefined;
  const args = runArgv(command).args.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && K3D_VALUED.has(arg)) i++;
      continue;
    }
    return /^[A-Za-z0-9][\w-]*$/.test(arg) ? arg : undefined;
  }
  return undefined;
}

/** Creates a cluster or puts something in one: kubectl apply|create, helm install|upgrade, argocd app|login, k3d cluster create. */
export function deploys(command: ShellCommand): boolean {
  const kubectl = kubectlArgs(command);
  if (kubectl) return ['apply', 'create'].includes(kubectl.positionals[0]?.value ?? '');
  const { name, args } = runArgv(command);
  const verb = args[0] ?? '';
  if (name === 'helm') return verb === 'install' || verb === 'upgrade';
  if (name === 'argocd') return verb === 'app' || verb === 'login';
  return createsK3dCluster(command);
}

const PACKAGE_MANAGERS = new Set(['apt', 'apt-get', 'dnf', 'yum', 'brew', 'snap']);

/** Installs software on the host: a package manager's install, `install -m`, Docker's get.docker.com script. */
export function installsOnHost(command: ShellCommand): boolean {
  const { name, args } = runArgv(command);
  if (PACKAGE_MANAGERS.has(name)) return args.includes('install');
  if (name === 'install') return args.some((arg) => arg === '-m' || arg.startsWith('--mode'));
  return args.some((arg) => arg.includes('get.docker.com'));
}
