// The suite's side of the v1 → v2 loop: a bare repository served by git-server.ts, and a working copy
// that commits the target's app manifests, changes the image tag and pushes over HTTP like a person would.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { runChecked, type CommandRunner } from './command-runner.ts';

export interface GitWorkspaceOptions {
  runner: CommandRunner;
  /** The git server's root: the bare repository is created here as <name>.git. */
  serverRoot: string;
  /** Folder for the working copy. */
  workDir: string;
  name: string;
  branch?: string;
  env?: Record<string, string | undefined>;
}

const IDENTITY = [
  '-c',
  'user.name=iot conformance suite',
  '-c',
  'user.email=iot-suite@localhost',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'core.autocrlf=false',
];

export class GitWorkspace {
  readonly repo: string;
  readonly branch: string;
  private readonly runner: CommandRunner;
  private readonly workDir: string;
  private readonly env: Record<string, string | undefined>;

  private constructor(options: GitWorkspaceOptions) {
    this.runner = options.runner;
    this.workDir = options.workDir;
    this.repo = `${options.name}.git`;
    this.branch = options.branch ?? 'main';
    this.env = { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
  }

  /** Creates the bare repository (pushes over HTTP enabled) and an empty working copy. */
  static async create(options: GitWorkspaceOptions): Promise<GitWorkspace> {
    const workspace = new GitWorkspace(options);
    const bare = join(options.serverRoot, workspace.repo);
    await mkdir(bare, { recursive: true });
    await workspace.git(['init', '--bare', '--quiet', `--initial-branch=${workspace.branch}`, bare], options.serverRoot);
    await workspace.git(['config', 'http.receivepack', 'true'], bare);
    await mkdir(options.workDir, { recursive: true });
    await workspace.git(['init', '--quiet', `--initial-branch=${workspace.branch}`], options.workDir);
    return workspace;
  }

  private git(args: string[], cwd = this.workDir) {
    return runChecked(this.runner, 'git', [...IDENTITY, ...args], { cwd, env: this.env, timeoutMs: 60_000 }, 'git');
  }

  async writeFiles(files: Record<string, string>): Promise<void> {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(this.workDir, path)), { recursive: true });
      await writeFile(join(this.workDir, path), text);
    }
  }

  async readFiles(): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.name === '.git') continue;
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else files[relative(this.workDir, full).split(sep).join('/')] = await readFile(full, 'utf8');
      }
    };
    await walk(this.workDir);
    return files;
  }

  /** Commits every change in the working copy; returns the new commit's sha. */
  async commit(message: string): Promise<string> {
    await this.git(['add', '--all']);
    await this.git(['commit', '--quiet', '--allow-empty', '-m', message]);
    return this.head();
  }

  async head(): Promise<string> {
    return (await this.git(['rev-parse', 'HEAD'])).stdout.trim();
  }

  /** Reverts HEAD with a new commit; returns its sha. */
  async revertHead(): Promise<string> {
    await this.git(['revert', '--no-edit', 'HEAD']);
    return this.head();
  }

  /** Pushes the branch to a URL (the git server's local URL). */
  async push(url: string): Promise<void> {
    await this.git(['push', '--quiet', url, `HEAD:refs/heads/${this.branch}`]);
  }
}

/** Changes every image tag `from` to `to` in YAML text (image: repo:v1 → repo:v2); counts the changes. */
export function retag(text: string, from: string, to: string): { text: string; changes: number } {
  let changes = 0;
  const pattern = new RegExp(
    `^(\\s*-?\\s*image:\\s*["']?[^\\s"'#]+):${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(["']?\\s*(?:#.*)?)$`,
    'gm',
  );
  const out = text.replace(pattern, (_, head: string, rest: string) => {
    changes += 1;
    return `${head}:${to}${rest}`;
  });
  return { text: out, changes };
}

/** Clones a public repository (the Application's original source) into a folder. */
export async function cloneShallow(
  runner: CommandRunner,
  url: string,
  revision: string | undefined,
  into: string,
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  const branch = revision && revision !== 'HEAD' && !/^[0-9a-f]{40}$/.test(revision) ? ['--branch', revision] : [];
  await runChecked(
    runner,
    'git',
    ['clone', '--quiet', '--depth', '1', ...branch, url, into],
    { env: { ...env, GIT_TERMINAL_PROMPT: '0' }, timeoutMs: 180_000 },
    'cloning the Application repository',
  );
}
