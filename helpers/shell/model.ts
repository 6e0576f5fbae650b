// What the shell analysis finds in a script: parsed into an AST (sh-syntax), never grepped.
import type { Location } from '../checks/result.ts';

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
  /** File the command's stdout is redirected to (`> file`, `>> file`, `| tee file`), resolved. */
  writesTo?: string;
  /** Guarded by a test such as `if ! command -v docker`, `command -v k3d ||`. */
  guardedBy?: string;
  location: Location;
}

export type K3sMode = 'server' | 'agent';

/** An installation or start of K3s found in a script. */
export interface K3sInstall {
  mode: K3sMode;
  /** 'get.k3s.io' (curl | sh), 'install-script' (a downloaded install.sh run later), 'binary' (k3s server|agent), 'systemd' … */
  via: string;
  /** Every flag, from INSTALL_K3S_EXEC, the command's args and K3s config files the script writes, resolved. */
  flags: Record<string, string | true>;
  /** K3S_URL / --server, resolved. */
  serverUrl?: Word;
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

export interface ScriptFacts {
  /** Relative to the target root. */
  file: string;
  /** The script's own text was parsed; false with parseError when bash would reject it. */
  parsed: boolean;
  parseError?: { message: string; line?: number };
  /** The interpreter its shebang names ('bash' when none). */
  shell: string;
  commands: ShellCommand[];
  k3sInstalls: K3sInstall[];
  toolInstalls: ToolInstall[];
  /** Files the script writes with their content when it is known (heredoc, echo/printf > file). */
  writtenFiles: Array<{ path: string; content: string; location: Location }>;
  /** Scripts of the same part it calls by relative path, relative to the target root. */
  calls: string[];
}
