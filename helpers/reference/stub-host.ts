// A host for running the reference implementation's scripts with stub tools: a PATH of our own
// where every tool the script may call is either a stub that records its arguments (and does
// what the test says) or absent, and the rest of the system's commands are the real ones.
// Nothing the stubs stand for (docker, k3d, kubectl, sudo, helm, curl …) runs for real.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Tools a reference script may reach for: absent unless a test gives a stub for them. */
export const HOST_TOOLS = [
  'apt-get',
  'curl',
  'docker',
  'git',
  'helm',
  'k3d',
  'kubectl',
  'sg',
  'sha256sum',
  'sudo',
  'systemctl',
  'usermod',
  'vagrant',
  'wget',
] as const;

const SYSTEM_BIN_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
const FIELD = '\x1f';

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** One recorded call of a stub: the tool's name, then its arguments. */
export type Call = string[];

export class StubHost {
  readonly root: string;
  readonly bin: string;
  readonly home: string;
  private readonly log: string;
  private inlineCount = 0;

  private constructor(root: string) {
    this.root = root;
    this.bin = join(root, 'bin');
    this.home = join(root, 'home');
    this.log = join(root, 'calls.log');
  }

  /**
   * A host whose PATH holds the given stubs (a bash body each, run with the call's arguments; the
   * environment variable STUB_STATE names a folder the stubs may keep state in), the system's
   * commands minus HOST_TOOLS and minus `absent`, and nothing else.
   */
  static async create(stubs: Record<string, string>, absent: readonly string[] = []): Promise<StubHost> {
    const root = await mkdtemp(join(tmpdir(), 'iot-stub-host-'));
    const host = new StubHost(root);
    await Promise.all([mkdir(host.bin), mkdir(host.home), mkdir(join(root, 'state'))]);
    await writeFile(host.log, '');
    const hidden = new Set<string>([...HOST_TOOLS, ...absent]);
    for (const dir of SYSTEM_BIN_DIRS) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        if (hidden.has(name) || name in stubs) continue;
        await symlink(join(dir, name), join(host.bin, name)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
      }
    }
    for (const [name, body] of Object.entries(stubs)) {
      const file = join(host.bin, name);
      await writeFile(
        file,
        `#!/bin/bash\n{ printf '%s${FIELD}' ${JSON.stringify(name)} "$@"; printf '\\n'; } >>${JSON.stringify(host.log)}\n${body}\n`,
      );
      await chmod(file, 0o755);
    }
    return host;
  }

  get state(): string {
    return join(this.root, 'state');
  }

  /** Runs a script with bash on this host's PATH; never throws on a non-zero exit. */
  run(
    script: string,
    args: readonly string[] = [],
    options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
  ): Promise<ScriptRun> {
    const env = {
      PATH: this.bin,
      HOME: this.home,
      USER: 'student',
      LANG: 'C.UTF-8',
      STUB_STATE: this.state,
      ...options.env,
    };
    return new Promise((resolve, reject) => {
      const child = spawn(join(this.bin, 'bash'), [script, ...args], { cwd: options.cwd ?? this.root, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
      child.stdin.on('error', () => {}); // a script that does not read its input closes it early
      child.stdin.end(options.input ?? '');
    });
  }

  /** Runs a script given as text (written to a file of this host first). */
  async runSource(
    source: string,
    args: readonly string[] = [],
    options: { env?: Record<string, string>; cwd?: string } = {},
  ): Promise<ScriptRun> {
    const file = join(this.root, `inline-${++this.inlineCount}.sh`);
    await writeFile(file, source);
    return this.run(file, args, options);
  }

  /** Every stub call so far, in order. */
  async calls(tool?: string): Promise<Call[]> {
    const lines = (await readFile(this.log, 'utf8')).split('\n').filter(Boolean);
    const calls = lines.map((line) => line.split(FIELD).slice(0, -1));
    return tool ? calls.filter((call) => call[0] === tool) : calls;
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
