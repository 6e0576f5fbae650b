// A shell provisioner whose `path:` is a URL (`path: "https://get.k3s.io"`): Vagrant downloads
// that script and runs it with the provisioner's `args:` and `env:`. The grader fetches nothing;
// a known install script (get.k3s.io, get.docker.com, k3d's install.sh …) counts as run the way
// `curl -sfL URL | sh -s - ARGS` runs it, with the provisioner's env exported.
import { formatLocation } from '../target/location.ts';
import type { VagrantProvisioner } from '../vagrantfile/model.ts';
import { emptyFacts } from './analyze.ts';
import { k3sInstallsOf } from './k3s.ts';
import type { ScriptFacts, ShellCommand, Word } from './model.ts';
import { toolInstallsOf } from './tools.ts';

/** A URL as Vagrant accepts it for `path:`. */
export const isRemotePath = (path: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(path);

const word = (value: string): Word => ({ value, raw: value, unresolved: [] });

/** The facts of a provisioner running a remote script; `problem` says so when it is no known install script. */
export function remoteScriptFacts(
  vagrantfile: string,
  provisioner: VagrantProvisioner,
  url: string,
  dotenv: Record<string, string>,
): ScriptFacts {
  const location = provisioner.location;
  const fetched: ShellCommand = { env: {}, argv: ['curl', '-sfL', url].map(word), location };
  const env = Object.fromEntries(Object.entries(provisioner.env).map(([name, value]) => [name, word(value)]));
  const run: ShellCommand = {
    env: {},
    argv: ['sh', '-s', '-', ...provisioner.args].map(word),
    pipedFrom: fetched,
    location,
    ...(Object.keys(env).length ? { inheritedEnv: env } : {}),
  };
  const facts: ScriptFacts = {
    ...emptyFacts(vagrantfile, 'sh', { env: provisioner.env, args: provisioner.args, dotenv }),
    remote: url,
    parsed: true,
    commands: [fetched, run],
    downloads: [{ url: word(url), to: '-', location }],
  };
  facts.k3sInstalls = k3sInstallsOf(facts, []);
  facts.toolInstalls = toolInstallsOf(facts, facts.k3sInstalls);
  if (facts.toolInstalls.length) return facts;
  const where = formatLocation(location);
  return {
    ...facts,
    parsed: false,
    commands: [],
    downloads: [],
    problem: {
      kind: 'not-fetched',
      message: `the shell provisioner at ${where} runs ${url}, a script outside the repository that the grader does not fetch`,
    },
  };
}
