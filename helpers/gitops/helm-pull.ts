// Charts a part's scripts download and unpack: `helm pull gitlab/gitlab --untar` writes the folder
// ./gitlab, which a later `helm install gitlab ./gitlab/` installs. Helm unpacks the archive into
// `--untardir` (default ".") under `--destination` (default "."; an absolute untardir stands alone),
// in a folder named after the chart (helm/helm, pkg/action/pull.go).
import { posix } from 'node:path';
import type { Location } from '../target/location.ts';
import type { ScriptFacts, ShellCommand } from '../shell/model.ts';
import { flag, HELM, parseArgs, parseTool, switchOn, type FlagSpec } from './argv.ts';
import { fieldOfWord, type Field } from './field.ts';

export interface HelmPull {
  /** The chart as pulled: 'gitlab/gitlab', 'oci://registry.gitlab.com/…/gitlab', 'gitlab' with --repo. */
  chart: Field;
  repo?: string;
  /** The folder it is unpacked into, normalised ('gitlab', 'charts/gitlab', '/tmp/gitlab'). */
  folder: string;
  location: Location;
}

const PULL: FlagSpec = {
  valued: new Set([...HELM.valued, '--untardir', '--destination', '-d']),
  aliases: { ...HELM.aliases, '-d': '--destination' },
};

/** A `helm pull|fetch … --untar` command, read as the folder it writes; undefined for any other command. */
export function helmPullOf(command: ShellCommand): HelmPull | undefined {
  if (!parseTool(command, 'helm')) return undefined;
  const args = parseArgs(command.argv, PULL);
  const [verb, chart] = args.positionals;
  if ((verb?.value !== 'pull' && verb?.value !== 'fetch') || !chart || chart.unresolved.length || !switchOn(args, '--untar'))
    return undefined;
  const untarDir = flag(args, '--untardir')?.value ?? '.';
  const into = untarDir.startsWith('/') ? untarDir : posix.join(flag(args, '--destination')?.value ?? '.', untarDir);
  return {
    chart: fieldOfWord(chart, command.location),
    repo: flag(args, '--repo')?.value,
    folder: localPath(posix.join(into, chartName(chart.value))),
    location: command.location,
  };
}

/**
 * The pull that wrote the local chart folder `chart` names, for a `helm install|upgrade` that is
 * command `index` of `script`: a pull earlier in the same script, else one in another script of
 * the part (which may run before it; the grader does not know the order scripts run in).
 */
export function pulledChart(chart: string, script: ScriptFacts, index: number, scripts: readonly ScriptFacts[]): HelmPull | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(chart)) return undefined;
  const folder = localPath(chart);
  const writes = (command: ShellCommand): HelmPull | undefined => {
    const pull = helmPullOf(command);
    return pull?.folder === folder ? pull : undefined;
  };
  const earlier = script.commands.slice(0, index).map(writes).filter(Boolean).at(-1);
  if (earlier) return earlier;
  for (const other of scripts) {
    if (other === script) continue;
    const pull = other.commands.map(writes).find(Boolean);
    if (pull) return pull;
  }
  return undefined;
}

/** The name of the chart a reference names, which is the folder its archive unpacks to: 'gitlab/gitlab' → 'gitlab', '…/gitlab-9.4.1.tgz' → 'gitlab'. */
function chartName(reference: string): string {
  const last =
    reference
      .replace(/[?#].*$/, '')
      .replace(/\/+$/, '')
      .split('/')
      .at(-1) ?? reference;
  return last.replace(/-v?\d+\.\d+\.\d+[^/]*\.tgz$/, '').replace(/\.tgz$/, '');
}

/** A folder path as two commands run from the same folder compare it: './gitlab/' and 'gitlab' are one. */
const localPath = (path: string): string => posix.normalize(path).replace(/\/+$/, '').replace(/^\.\//, '') || '.';
