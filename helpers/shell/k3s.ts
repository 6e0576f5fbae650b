// K3s installs in a script: the install script piped from get.k3s.io (or downloaded and run
// later), a `k3s server|agent` invocation, or a systemd unit the script writes; with their mode,
// flags and the K3s config files (/etc/rancher/k3s/config.yaml, config.yaml.d/*) that apply.
import { posix } from 'node:path';
import { parse } from 'yaml';
import { parseScript } from './syntax-tree.ts';
import { expandFields, Scope, splitOnBlanks } from './expand.ts';
import { baseName, effective, shellRun, SHELLS, tail } from './invocation.ts';
import type { Download, K3sInstall, K3sMode, ScriptFacts, ShellCommand, Word } from './model.ts';
import type { PartFiles, WrittenFile } from './walk.ts';
import type { Location } from '../target/location.ts';

export const K3S_INSTALLER_URL = /get\.k3s\.io|k3s-io\/k3s\/[^\s]*install\.sh|rancher\/k3s\/[^\s]*install\.sh|k3s-install\.sh/;
const DEFAULT_CONFIG = '/etc/rancher/k3s/config.yaml';
const CONFIG_DROP_INS = '/etc/rancher/k3s/config.yaml.d/';
const SHORT_FLAGS: Record<string, string> = {
  t: 'token',
  s: 'server',
  c: 'config',
  i: 'node-ip',
  d: 'data-dir',
  o: 'write-kubeconfig',
  l: 'log',
};
/** K3s flags that take no value; every other `--flag` followed by a non-flag word takes it as value. */
const SWITCHES = new Set([
  'cluster-init',
  'cluster-reset',
  'disable-agent',
  'disable-cloud-controller',
  'disable-network-policy',
  'disable-helm-controller',
  'disable-kube-proxy',
  'disable-scheduler',
  'disable-apiserver',
  'disable-controller-manager',
  'disable-etcd',
  'docker',
  'rootless',
  'prefer-bundled-bin',
  'protect-kernel-defaults',
  'secrets-encryption',
  'selinux',
  'with-node-id',
  'debug',
  'embedded-registry',
  'flannel-ipv6-masq',
  'flannel-external-ip',
  'supervisor-metrics',
  'disable-default-registry-endpoint',
  'enable-pprof',
  'etcd-expose-metrics',
  'etcd-disable-snapshots',
  'etcd-s3',
  'etcd-s3-insecure',
  'etcd-s3-skip-ssl-verify',
  'vpn-auth',
  'help',
  'version',
  'egress-selector-mode-disabled',
  'kube-proxy-arg-disabled',
  'node-external-ip-disabled',
  'write-kubeconfig-group-disabled',
]);

interface Candidate {
  via: string;
  mode?: K3sMode;
  args: Word[];
  env: Record<string, Word>;
  location: Location;
}

/**
 * Every K3s install of the script. `configs` are the files that may hold its K3s config: those the
 * script writes, or those every script of the same machine writes. Reads a systemd unit's ExecStart
 * with the bash grammar, which analyzeScript has loaded.
 */
export function k3sInstallsOf(
  facts: Pick<ScriptFacts, 'commands' | 'downloads' | 'writtenFiles' | 'installer'>,
  configs: readonly WrittenFile[],
  files?: PartFiles,
): K3sInstall[] {
  const candidates: Candidate[] = [];
  // A committed copy of get.k3s.io's install.sh runs as `curl … | sh -s - ARGS` would, with the env it is given.
  const installer = facts.installer;
  if (installer?.tool === 'k3s')
    candidates.push({ via: 'copy of get.k3s.io', args: installer.args, env: installer.env, location: installer.location });
  const installers = (facts.downloads ?? []).filter((download) => K3S_INSTALLER_URL.test(download.url.value));
  for (const command of facts.commands) {
    const found = candidateOf(command, installers);
    if (found) candidates.push(found);
  }
  for (const file of facts.writtenFiles) {
    const unit = systemdUnit(file);
    if (unit) candidates.push(unit);
  }
  return candidates.map((candidate) => build(candidate, configs, files));
}

function candidateOf(command: ShellCommand, installers: Download[]): Candidate | undefined {
  const { argv, name, env } = effective(command);
  if (!argv.length) return undefined;
  const base = { env, location: command.location };
  if (SHELLS.has(name)) {
    const run = shellRun(argv);
    if (run.stdin && command.pipedFrom && pipeSource(command.pipedFrom).some((url) => K3S_INSTALLER_URL.test(url.value)))
      return { ...base, via: 'get.k3s.io', args: run.args };
    if (run.script && isDownloaded(run.script.value, installers)) return { ...base, via: 'install-script', args: run.args };
    return undefined;
  }
  if (isDownloaded(argv[0]!.value, installers)) return { ...base, via: 'install-script', args: argv.slice(1) };
  if (name === 'k3s' && (argv[1]?.value === 'server' || argv[1]?.value === 'agent'))
    return { ...base, via: 'binary', mode: argv[1].value, args: argv.slice(2) };
  return undefined;
}

const isDownloaded = (path: string, downloads: Download[]): boolean =>
  downloads.some((download) => download.to && download.to !== '-' && baseName(download.to) === baseName(path));

/** The URLs a pipeline's input comes from (curl/wget, through tee or cat). */
export function pipeSource(command: ShellCommand): Word[] {
  const { argv, name } = effective(command);
  if ((name === 'tee' || name === 'cat') && command.pipedFrom) return pipeSource(command.pipedFrom);
  if (name !== 'curl' && name !== 'wget') return [];
  return argv.slice(1).filter((word) => /:\/\/|^[\w.-]+\.[a-z]{2,}\//i.test(word.value));
}

/** A systemd unit running `k3s server|agent`. */
function systemdUnit(file: WrittenFile): Candidate | undefined {
  if (!file.path.endsWith('.service')) return undefined;
  const line = file.content
    .replace(/\\\n/g, ' ')
    .split('\n')
    .find((text) => /^\s*ExecStart\s*=/.test(text));
  if (!line) return undefined;
  const words = commandWords(line.replace(/^\s*ExecStart\s*=\s*[-@:+!]*/, ''));
  const index = words.findIndex((word) => baseName(word.value) === 'k3s');
  const mode = words[index + 1]?.value;
  if (index < 0 || (mode !== 'server' && mode !== 'agent')) return undefined;
  const env: Record<string, Word> = {};
  for (const text of file.content.split('\n')) {
    const match = /^\s*Environment\s*=\s*"?([A-Za-z_]\w*)=(.*?)"?\s*$/.exec(text);
    if (match) env[match[1]!] = { value: match[2]!, raw: match[2]!, unresolved: placeholders(match[2]!) };
  }
  return { via: 'systemd', mode, args: words.slice(index + 2), env, location: file.location };
}

/** The words of a command line found in a file (a unit's ExecStart), split as the shell would. */
function commandWords(text: string): Word[] {
  const stmt = parseScript(text).stmts[0];
  if (stmt?.cmd?.type !== 'Call') return [];
  const expander = { scope: new Scope({ scriptPath: '' }) };
  return stmt.cmd.args.flatMap((word) => expandFields(word, expander));
}

function build(candidate: Candidate, writtenFiles: readonly WrittenFile[], files: PartFiles | undefined): K3sInstall {
  const env: Record<string, Word> = {};
  for (const [name, word] of Object.entries(candidate.env)) if (/^(K3S_|INSTALL_K3S_)/.test(name)) env[name] = word;
  const words: Array<{ word: Word; source: string }> = [];
  const exec = env.INSTALL_K3S_EXEC;
  if (exec && candidate.via !== 'binary' && candidate.via !== 'systemd') {
    for (const piece of splitOnBlanks(exec)) words.push({ word: piece, source: 'INSTALL_K3S_EXEC' });
  }
  for (const word of candidate.args) words.push({ word, source: candidate.via === 'systemd' ? 'ExecStart' : 'args' });
  // install.sh runs `k3s $1 …` over INSTALL_K3S_EXEC followed by its args: a first word server|agent is the mode.
  let mode = candidate.mode;
  const first = words[0]?.word.value;
  if (!mode && (first === 'server' || first === 'agent')) {
    mode = first;
    words.splice(0, 1);
  }

  const install: K3sInstall = {
    mode: 'server',
    via: candidate.via,
    flags: {},
    flagSources: {},
    flagUnresolved: {},
    env: Object.fromEntries(Object.entries(env).map(([name, word]) => [name, word.value])),
    location: candidate.location,
  };
  const flagWords: Record<string, Word> = {};
  const setFlag = (name: string, value: string | true, source: string, unresolved: string[], word?: Word): void => {
    const previous = install.flags[name];
    install.flags[name] =
      previous !== undefined && previous !== true && value !== true && install.flagSources![name] === source
        ? `${previous},${value}`
        : value;
    install.flagSources![name] = source;
    if (unresolved.length) install.flagUnresolved![name] = [...(install.flagUnresolved![name] ?? []), ...unresolved];
    if (word) flagWords[name] = word;
  };
  for (let i = 0; i < words.length; i++) {
    const { word, source } = words[i]!;
    const text = word.value;
    let name: string | undefined;
    let inline: string | undefined;
    if (text.startsWith('--') && text.length > 2) {
      const eq = text.indexOf('=');
      name = eq > 0 ? text.slice(2, eq) : text.slice(2);
      if (eq > 0) inline = text.slice(eq + 1);
    } else if (/^-[a-zA-Z]$/.test(text)) name = SHORT_FLAGS[text[1]!] ?? text.slice(1);
    else if (/^-[a-zA-Z]=/.test(text)) {
      name = SHORT_FLAGS[text[1]!] ?? text[1]!;
      inline = text.slice(3);
    }
    if (!name) continue;
    if (inline !== undefined) {
      setFlag(
        name,
        inline,
        source,
        word.unresolved.filter((n) => inline.includes(n)),
        tail(word, text.indexOf('=') + 1),
      );
      continue;
    }
    const next = words[i + 1];
    if (!SWITCHES.has(name) && next && !next.word.value.startsWith('-')) {
      setFlag(name, next.word.value, source, next.word.unresolved, next.word);
      i++;
    } else setFlag(name, true, source, []);
  }

  const configPath = typeof install.flags.config === 'string' ? install.flags.config : (env.K3S_CONFIG_FILE?.value ?? DEFAULT_CONFIG);
  const configs = writtenFiles.filter(
    (file) =>
      file.path === posix.normalize(configPath) ||
      (configPath === DEFAULT_CONFIG && file.path.startsWith(CONFIG_DROP_INS) && /\.ya?ml$/.test(file.path)),
  );
  const configTexts: Array<{ path: string; text: string }> = configs.map((file) => ({ path: file.path, text: file.content }));
  if (!configs.length && configPath !== DEFAULT_CONFIG && files) {
    const partFile = files.resolve(configPath);
    const text = partFile ? files.read(partFile) : undefined;
    if (partFile && text !== undefined) configTexts.push({ path: partFile, text });
  }
  const fromCli = new Set(Object.keys(install.flags));
  install.configFiles = configTexts.map((config) => config.path);
  for (const config of configTexts) {
    for (const [key, raw] of Object.entries(readConfig(config.text))) {
      if (fromCli.has(key)) continue;
      const value = raw === true ? true : raw;
      setFlag(
        key,
        value,
        config.path,
        value === true ? [] : placeholders(value),
        value === true ? undefined : { value, raw: value, unresolved: placeholders(value) },
      );
    }
  }

  if (env.K3S_URL) install.serverUrl = env.K3S_URL;
  else if (flagWords.server) install.serverUrl = flagWords.server;
  if (env.K3S_TOKEN) install.tokenFrom = 'K3S_TOKEN';
  else if (env.K3S_TOKEN_FILE) install.tokenFrom = 'K3S_TOKEN_FILE';
  else if (install.flags.token !== undefined) install.tokenFrom = configSource(install, 'token');
  else if (install.flags['token-file'] !== undefined) install.tokenFrom = configSource(install, 'token-file');
  install.mode = mode ?? (install.serverUrl ? 'agent' : 'server');
  return install;
}

const configSource = (install: K3sInstall, flag: string): string => {
  const source = install.flagSources?.[flag];
  return source === 'INSTALL_K3S_EXEC' || source === 'args' || source === 'ExecStart' ? `--${flag}` : `config:${flag}`;
};

/** A K3s config file's keys as flags; lists joined with ','. Anything unreadable gives nothing. */
function readConfig(text: string): Record<string, string | true> {
  // A placeholder the script left (`node-ip: "$(ip -4 addr show "$IFACE" | …)"`) holds quotes and
  // line breaks the real file would not: it stands in the YAML as a token, restored in the values.
  const found = [...new Set(placeholders(text))].sort((a, b) => b.length - a.length);
  const token = (index: number): string => `__iot_placeholder_${index}__`;
  let source = text;
  found.forEach((name, index) => (source = source.split(name).join(token(index))));
  const restore = (value: string): string => found.reduce((out, name, index) => out.split(token(index)).join(name), value);
  let doc: unknown;
  try {
    doc = parse(source, { maxAliasCount: 10 });
  } catch {
    return {};
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return {};
  const out: Record<string, string | true> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const name = key.replace(/\+$/, '');
    if (value === true) out[name] = true;
    else if (Array.isArray(value)) out[name] = restore(value.map(String).join(','));
    else if (value !== null && value !== false && typeof value !== 'object') out[name] = restore(String(value));
  }
  return out;
}

/** The placeholders left in a value a file holds: `${X}`, `$X`, `$1`, and a whole `$(…)`, nested parentheses included. */
export function placeholders(value: string): string[] {
  const found: string[] = [];
  for (let i = value.indexOf('$'); i >= 0; i = value.indexOf('$', i + 1)) {
    if (value[i + 1] === '(') {
      let depth = 0;
      let end = i + 1;
      for (; end < value.length; end++) {
        if (value[end] === '(') depth++;
        else if (value[end] === ')' && --depth === 0) break;
      }
      found.push(value.slice(i, end + 1));
      i = end;
      continue;
    }
    const match = /^\$(?:\{[A-Za-z_]\w*[^}]*\}|[A-Za-z_]\w*|\d)/.exec(value.slice(i, i + 200));
    if (match) found.push(match[0]);
  }
  return found;
}
