// Tools a script installs: through a package manager, an install script piped to a shell (or
// downloaded and run), a release binary downloaded then made executable, or `go install`.
import { baseName, effective, shellRun, SHELLS } from './invocation.ts';
import { K3S_INSTALLER_URL, pipeSource } from './k3s.ts';
import type { Download, K3sInstall, ScriptFacts, ShellCommand, ToolInstall, Word } from './model.ts';

type Tool = ToolInstall['tool'];

const PACKAGES: Record<string, Tool> = {
  'docker.io': 'docker',
  'docker-ce': 'docker',
  docker: 'docker',
  'docker-engine': 'docker',
  'moby-engine': 'docker',
  kubectl: 'kubectl',
  'kubernetes-client': 'kubectl',
  k3d: 'k3d',
  helm: 'helm',
  'kubernetes-helm': 'helm',
  argocd: 'argocd',
  'argocd-cli': 'argocd',
};

const PACKAGE_MANAGERS: Record<string, string[]> = {
  apt: ['install'],
  'apt-get': ['install'],
  aptitude: ['install'],
  dnf: ['install'],
  yum: ['install'],
  microdnf: ['install'],
  zypper: ['install', 'in'],
  apk: ['add'],
  snap: ['install'],
  brew: ['install'],
  pacman: ['-S', '-Sy', '-Syu', '-Syy', '--sync'],
  arkade: ['get'],
  asdf: ['install'],
  mise: ['install', 'use'],
};

/** Install scripts, by the URL they come from. */
const INSTALL_SCRIPTS: Array<[RegExp, Tool]> = [
  [/get\.docker\.com|test\.docker\.com|get-docker\.sh/, 'docker'],
  [/k3d-io\/k3d|rancher\/k3d/, 'k3d'],
  [/get-helm-3|helm\/helm\/[^\s]*scripts\/get|get\.helm\.sh\/?$/, 'helm'],
  [K3S_INSTALLER_URL, 'k3s'],
];

/** Release binaries and archives, by the URL they come from. */
const BINARIES: Array<[RegExp, Tool]> = [
  [/dl\.k8s\.io\/[^\s]*kubectl|storage\.googleapis\.com\/kubernetes-release\/[^\s]*kubectl|cdn\.dl\.k8s\.io\/[^\s]*kubectl/, 'kubectl'],
  [/github\.com\/(k3d-io|rancher)\/k3d\/releases\/download/, 'k3d'],
  [/get\.helm\.sh\/helm-|github\.com\/helm\/helm\/releases\/download/, 'helm'],
  [/github\.com\/argoproj\/argo-cd\/releases\/download/, 'argocd'],
  [/download\.docker\.com\/linux\/static/, 'docker'],
  [/github\.com\/k3s-io\/k3s\/releases\/download/, 'k3s'],
];

/** Go modules, for `go install`. */
const GO_MODULES: Array<[RegExp, Tool]> = [
  [/^github\.com\/(k3d-io|rancher)\/k3d\b/, 'k3d'],
  [/^helm\.sh\/helm\b|^github\.com\/helm\/helm\b/, 'helm'],
  [/^github\.com\/argoproj\/argo-cd\b/, 'argocd'],
  [/^k8s\.io\/kubectl\b|^k8s\.io\/kubernetes\/cmd\/kubectl\b/, 'kubectl'],
];

/**
 * The tool a URL names. A value still unknown in it (`$(uname -s | tr …)`, `${ARCH}`) stands as one
 * spaceless segment, so that the URL reads as the single word it is when the script runs.
 */
const classify = (url: Word, table: Array<[RegExp, Tool]>): Tool | undefined => {
  const text = [...url.unresolved].sort((a, b) => b.length - a.length).reduce((out, name) => out.split(name).join('_'), url.value);
  return table.find(([pattern]) => pattern.test(text))?.[1];
};

export function toolInstallsOf(
  facts: Pick<ScriptFacts, 'commands' | 'downloads' | 'installer'>,
  k3s: readonly K3sInstall[],
): ToolInstall[] {
  const installs: ToolInstall[] = [];
  const installer = facts.installer;
  if (installer && installer.tool !== 'k3s') installs.push({ tool: installer.tool, how: installer.name, location: installer.location });
  const downloads = facts.downloads ?? [];
  for (const command of facts.commands) {
    for (const found of toolsOf(command, downloads, facts.commands)) installs.push({ ...found, location: command.location });
  }
  for (const install of k3s) installs.push({ tool: 'k3s', how: `K3s ${install.mode} (${install.via})`, location: install.location });
  return installs;
}

/** The tools a command installs: several for a package manager given several packages (`apt-get install -y docker-ce kubectl`). */
function toolsOf(command: ShellCommand, downloads: Download[], commands: readonly ShellCommand[]): Array<Omit<ToolInstall, 'location'>> {
  const { argv, name } = effective(command);
  const verbs = Object.hasOwn(PACKAGE_MANAGERS, name) ? PACKAGE_MANAGERS[name] : undefined;
  if (!verbs) {
    const found = toolOf(command, downloads, commands);
    return found ? [found] : [];
  }
  const words = argv.map((word) => word.value);
  const verb = words.slice(1).find((word) => !word.startsWith('-') || verbs.includes(word));
  if (!verb || !verbs.includes(verb)) return [];
  const packages = words
    .slice(words.indexOf(verb) + 1)
    .filter((word) => !word.startsWith('-'))
    .map((word) => word.replace(/[=:@].*$/, ''));
  const toolOfPackage = (pkg: string): Tool | undefined => (Object.hasOwn(PACKAGES, pkg) ? PACKAGES[pkg] : undefined);
  const tools = [...new Set(packages.map(toolOfPackage).filter((tool) => tool !== undefined))];
  return tools.map((tool) => ({ tool, how: `${name} ${verb} ${packages.filter((pkg) => toolOfPackage(pkg) === tool).join(' ')}` }));
}

function toolOf(
  command: ShellCommand,
  downloads: Download[],
  commands: readonly ShellCommand[],
): Omit<ToolInstall, 'location'> | undefined {
  const { argv, name } = effective(command);
  if (!argv.length) return undefined;
  const words = argv.map((word) => word.value);
  if (name === 'go' && words[1] === 'install') {
    const module = words.slice(2).find((word) => !word.startsWith('-'));
    const tool = module ? classify({ value: module, raw: module, unresolved: [] }, GO_MODULES) : undefined;
    if (tool) return { tool, how: `go install ${module}` };
  }
  if (SHELLS.has(name)) {
    const run = shellRun(argv);
    if (run.stdin && command.pipedFrom) {
      for (const url of pipeSource(command.pipedFrom)) {
        const tool = classify(url, INSTALL_SCRIPTS);
        if (tool && tool !== 'k3s') return { tool, how: `${url.value} piped to ${name}` };
      }
    }
    if (run.script) {
      const download = downloadOf(run.script.value, downloads);
      const tool = download ? classify(download.url, INSTALL_SCRIPTS) : undefined;
      if (tool && tool !== 'k3s') return { tool, how: `${download!.url.value} downloaded and run` };
    }
    return undefined;
  }
  if (name === 'curl' || name === 'wget') {
    for (const download of downloads.filter((d) => d.location === command.location && argv.includes(d.url))) {
      const tool = classify(download.url, BINARIES);
      if (tool && tool !== 'k3s' && madeExecutable(download, command, commands))
        return { tool, how: `release binary ${download.url.value}` };
    }
  }
  return undefined;
}

const downloadOf = (path: string, downloads: Download[]): Download | undefined =>
  downloads.find((download) => download.to && download.to !== '-' && baseName(download.to) === baseName(path));

/** A downloaded binary counts once a later command installs it (install, chmod +x, mv/cp, tar) or the download is piped to tar. */
function madeExecutable(download: Download, command: ShellCommand, commands: readonly ShellCommand[]): boolean {
  if (download.to === '-') return commands.some((other) => other.pipedFrom === command && effective(other).name === 'tar');
  if (!download.to) return false;
  const file = baseName(download.to);
  return commands.some((other) => {
    if (other === command) return false;
    const { argv, name } = effective(other);
    if (!['install', 'chmod', 'mv', 'cp', 'tar', 'unzip'].includes(name)) return false;
    return argv.slice(1).some((word) => baseName(word.value) === file);
  });
}
