// What the shell analysis finds in a script: parsed into a syntax tree (tree-sitter-bash, once sh-syntax accepts it), never grepped.
import type { Location } from '../target/location.ts';

/** A word after placeholder resolution; `unresolved` names what could not be resolved (e.g. "$TOKEN"). */
export interface Word {
  /** The value with every resolvable placeholder substituted; unresolved ones are left as written. */
  value: string;
  /** As written in the script. */
  raw: string;
  unresolved: string[];
}

/** One simple command as it would run: environment prefix, argv, and where it stands. */
export interface ShellCommand {
  /** Assignments written before the command (`FOO=bar cmd`), resolved. */
  env: Record<string, Word>;
  argv: Word[];
  /** The command this one receives its stdin from in a pipeline (`curl … | sh -s -`), if any. */
  pipedFrom?: ShellCommand;
  /** Text of a heredoc fed to the command, resolved, if any. */
  heredoc?: string;
  /** The line the heredoc's text starts on (the line after its command's last line), when known. */
  heredocLine?: number;
  /** File the command's stdout is redirected to (`> file`, `>> file`, `| tee file`), resolved. */
  writesTo?: string;
  /** Guarded by a test such as `if ! command -v docker`, `command -v k3d ||`. */
  guardedBy?: string;
  /** Run in the background (`cmd &`): the script goes on without waiting for it. */
  background?: boolean;
  /** Variables the command inherits: exported by the script before it (`export X=v`) or given by the provisioner's env, resolved. */
  inheritedEnv?: Record<string, Word>;
  location: Location;
}

/** A file fetched by curl or wget: `to` is the file written, '-' for stdout (a pipe), undefined when unknown. */
export interface Download {
  url: Word;
  to?: string;
  location: Location;
}

/** A call of another script of the same part (`bash ./x.sh a b`, `source x.sh`). */
export interface ScriptCall {
  /** The called script, relative to the target root. */
  path: string;
  args: Word[];
  /** `source` / `.`: the script runs in the caller's shell and sees all its variables. */
  sourced: boolean;
  /** What the called script inherits: exported variables, or every variable when sourced. */
  vars: Record<string, string>;
  location: Location;
}

export type K3sMode = 'server' | 'agent';

/** An installation or start of K3s found in a script. */
export interface K3sInstall {
  mode: K3sMode;
  /** 'get.k3s.io' (curl | sh), 'install-script' (a downloaded install.sh run later), 'binary' (k3s server|agent), 'systemd' … */
  via: string;
  /**
   * Every flag, from INSTALL_K3S_EXEC, the command's args and K3s config files the script writes, resolved;
   * keyed by long name without dashes ('node-ip', 'flannel-iface', 'token'); a repeated flag's values are joined with ','.
   */
  flags: Record<string, string | true>;
  /** K3S_URL / --server, resolved. */
  serverUrl?: Word;
  /** Where each flag came from, for messages: 'INSTALL_K3S_EXEC', 'args', or the config file's path. */
  flagSources?: Record<string, string>;
  /** Placeholders still unresolved in a flag's value, by flag ('node-ip' → ['$NODE_IP']). */
  flagUnresolved?: Record<string, string[]>;
  /** The K3s config files applied (written by the scripts or read from the part), by path. */
  configFiles?: string[];
  /** How the join token is given, e.g. 'K3S_TOKEN', 'K3S_TOKEN_FILE', '--token', '--token-file', 'config:token'. */
  tokenFrom?: string;
  /** The env given to the install (INSTALL_K3S_*, K3S_*), resolved. */
  env: Record<string, string>;
  location: Location;
}

/** A tool the script installs, possibly guarded by `command -v`. */
export interface ToolInstall {
  tool: 'docker' | 'k3d' | 'kubectl' | 'helm' | 'argocd' | 'k3s';
  how: string;
  location: Location;
}

/**
 * Why bash rejects a script: a syntax error; a malformed arithmetic expression, which `bash -n` does not look
 * into but bash rejects when it runs the line; or mvdan/sh itself failing (the script too large or too deep).
 */
export type SyntaxErrorKind = 'syntax' | 'arithmetic' | 'parser-failure';

/** Why a script could not be read or analysed: the kind for checks to choose their fix, the message for the user. */
export interface ScriptProblem {
  kind: /** A provisioner's path: names no committed file, or the file is a symbolic link to nothing. */
    | 'missing'
    /** A provisioner's path:, or a symbolic link, points outside the repository. */
    | 'outside-repository'
    /** A provisioner's path: is a URL of no known install script, which the grader does not fetch. */
    | 'not-fetched'
    /** A committed file that is not readable text (binary, too large, unreadable). */
    | 'unreadable'
    /** A script that parses but is too large or nested too deeply to analyse. */
    | 'not-analysed';
  message: string;
}

export interface ScriptFacts {
  /** Relative to the target root. */
  file: string;
  /** The script's own text was parsed; false with parseError when bash would reject it. */
  parsed: boolean;
  parseError?: { kind: SyntaxErrorKind; message: string; line?: number };
  /** The interpreter its shebang names ('bash' when none). */
  shell: string;
  commands: ShellCommand[];
  k3sInstalls: K3sInstall[];
  toolInstalls: ToolInstall[];
  /** Files the script writes with their content when it is known (heredoc, echo/printf > file, cp of a file of the part). */
  writtenFiles: Array<{ path: string; content: string; location: Location /** The file of the part it was copied from. */; from?: string }>;
  /** Scripts of the same part it calls by relative path, relative to the target root. */
  calls: string[];
  /** The same calls with their arguments and what they inherit. */
  callSites?: ScriptCall[];
  downloads?: Download[];
  /** Why the script could not be read or analysed. */
  problem?: ScriptProblem;
  /** Set for a Vagrant inline provisioner: `file` is then the Vagrantfile and every line the provisioner's. */
  inline?: boolean;
  /**
   * Set for a Vagrant shell provisioner whose `path:` is a URL (Vagrant downloads and runs it): the URL.
   * `file` is then the Vagrantfile; the script is not fetched, and a known install script counts as
   * run with the provisioner's args and env, as `curl URL | sh -s - ARGS` would run it.
   */
  remote?: string;
  /**
   * Set when the script is a copy of an official install script (get.k3s.io's install.sh, k3d's
   * install.sh …): what it installs, and the args and env it runs with. Such a script is not walked.
   */
  installer?: { tool: ToolInstall['tool']; name: string; args: Word[]; env: Record<string, Word>; location: Location };
  /** The provisioner env, args and .env values the placeholders were resolved with. */
  resolvedWith?: { env: Record<string, string>; args?: string[]; dotenv: Record<string, string> };
}
