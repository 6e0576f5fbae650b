// Preflight: the host tools each part's live checks need, with their versions. A missing or unusable tool
// becomes one line naming it and how to get it; live-gate.ts turns that line into a skip or (IOT_LIVE=1) a failure.
import { which } from 'zx';
import type { SubjectPart } from '../target/layout.ts';
import type { CommandRunner } from './command-runner.ts';

export interface ToolFinding {
  /** What is needed, as the message names it: "vagrant", "docker daemon", "a Vagrant provider" … */
  name: string;
  ok: boolean;
  version?: string;
  /** For a missing tool: why ("not on PATH", "found 4.4.8, need 5.0 or later", "not reachable: …"). */
  problem?: string;
  /** How to get it. */
  remedy?: string;
}

export interface PreflightReport {
  part: SubjectPart;
  ok: boolean;
  findings: ToolFinding[];
  /** One line: what is present, or what is missing and how to get it. */
  message: string;
  durationMs: number;
}

export interface PreflightEnv {
  runner: CommandRunner;
  /** The environment the tools run in (PATH decides what is found). */
  env: Record<string, string | undefined>;
}

interface ToolSpec {
  name: string;
  command: string;
  versionArgs: string[];
  /** The first capture group is the version. */
  versionPattern: RegExp;
  minimum?: string;
  install: string;
}

const VAGRANT: ToolSpec = {
  name: 'vagrant',
  command: 'vagrant',
  versionArgs: ['--version'],
  versionPattern: /Vagrant (\d+\.\d+\.\d+)/,
  minimum: '2.2.0',
  install: 'install it: https://developer.hashicorp.com/vagrant/install',
};
const KUBECTL: ToolSpec = {
  name: 'kubectl',
  command: 'kubectl',
  versionArgs: ['version', '--client'],
  versionPattern: /Client Version: v?(\d+\.\d+\.\d+)/,
  minimum: '1.24.0',
  install: 'install it: https://kubernetes.io/docs/tasks/tools/',
};
const K3D: ToolSpec = {
  name: 'k3d',
  command: 'k3d',
  versionArgs: ['version'],
  versionPattern: /k3d version v?(\d+\.\d+\.\d+)/,
  minimum: '5.0.0',
  install: 'install it: https://k3d.io/#installation',
};
const GIT: ToolSpec = {
  name: 'git',
  command: 'git',
  versionArgs: ['--version'],
  versionPattern: /git version (\d+\.\d+\.\d+)/,
  // The suite's git server creates its repositories with `git init --initial-branch` (git 2.28).
  minimum: '2.28.0',
  install: 'install it: sudo apt-get install git (or https://git-scm.com/downloads)',
};

/** Providers a Vagrantfile of this project may use, tried in this order unless VAGRANT_DEFAULT_PROVIDER names one. */
const PROVIDERS: Array<{ provider: string; tool: ToolSpec }> = [
  {
    provider: 'virtualbox',
    tool: {
      name: 'VirtualBox',
      command: 'VBoxManage',
      versionArgs: ['--version'],
      versionPattern: /^(\d+\.\d+\.\d+)/m,
      install: 'https://www.virtualbox.org/wiki/Downloads',
    },
  },
  {
    provider: 'libvirt',
    tool: {
      name: 'libvirt',
      command: 'virsh',
      versionArgs: ['--version'],
      versionPattern: /^(\d+\.\d+\.\d+)/m,
      install: 'sudo apt-get install libvirt-daemon-system && vagrant plugin install vagrant-libvirt',
    },
  },
  {
    provider: 'vmware_desktop',
    tool: {
      name: 'VMware',
      command: 'vmrun',
      versionArgs: [],
      versionPattern: /version (\d+\.\d+\.\d+)/,
      install: 'https://developer.hashicorp.com/vagrant/docs/providers/vmware/installation',
    },
  },
  {
    provider: 'parallels',
    tool: {
      name: 'Parallels',
      command: 'prlctl',
      versionArgs: ['--version'],
      versionPattern: /version (\d+\.\d+\.\d+)/,
      install: 'https://parallels.github.io/vagrant-parallels/docs/installation/',
    },
  },
];

/** Compares dotted versions numerically; negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

async function onPath(command: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  const found = await which(command, { path: env.PATH ?? '', nothrow: true });
  return found ?? undefined;
}

async function probeTool(spec: ToolSpec, { runner, env }: PreflightEnv): Promise<ToolFinding> {
  if (!(await onPath(spec.command, env))) return { name: spec.name, ok: false, problem: 'not on PATH', remedy: spec.install };
  const result = await runner.run(spec.command, spec.versionArgs, { env, timeoutMs: 20_000 });
  const text = `${result.stdout}\n${result.stderr}`;
  const version = spec.versionPattern.exec(text)?.[1];
  if (result.exitCode !== 0 && !version) {
    return {
      name: spec.name,
      ok: false,
      problem: `\`${result.command}\` failed: ${firstLine(result.stderr || result.stdout)}`,
      remedy: spec.install,
    };
  }
  if (version && spec.minimum && compareVersions(version, spec.minimum) < 0) {
    return {
      name: spec.name,
      ok: false,
      version,
      problem: `found ${version}, need ${spec.minimum} or later`,
      remedy: spec.install.replace(/^install it/, 'upgrade it'),
    };
  }
  return { name: spec.name, ok: true, version: version ?? 'unknown version' };
}

const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() || 'no output';

async function probeProvider(ctx: PreflightEnv): Promise<ToolFinding> {
  const wanted = ctx.env.VAGRANT_DEFAULT_PROVIDER?.trim();
  const candidates = wanted ? PROVIDERS.filter((p) => p.provider === wanted) : PROVIDERS;
  if (wanted && candidates.length === 0)
    return {
      name: 'a Vagrant provider',
      ok: false,
      problem: `VAGRANT_DEFAULT_PROVIDER=${wanted} is not one the suite knows how to check`,
      remedy: `use one of ${PROVIDERS.map((p) => p.provider).join(', ')}`,
    };
  const tried: string[] = [];
  for (const { provider, tool } of candidates) {
    const finding = await probeTool(tool, ctx);
    if (finding.ok && provider === 'virtualbox') {
      // VBoxManage prints a warning and still exits 0 when its kernel driver is missing: no VM can start then.
      const check = await ctx.runner.run(tool.command, ['--version'], { env: ctx.env, timeoutMs: 20_000 });
      if (/WARNING|kernel (driver|module)/i.test(check.stdout + check.stderr)) {
        tried.push(`VirtualBox ${finding.version} (its kernel driver is not loaded: ${firstLine(check.stdout + check.stderr)})`);
        continue;
      }
    }
    if (finding.ok && provider === 'libvirt') {
      const plugins = await ctx.runner.run('vagrant', ['plugin', 'list'], { env: ctx.env, timeoutMs: 60_000 });
      if (!/vagrant-libvirt/.test(plugins.stdout)) {
        tried.push('libvirt (the vagrant-libvirt plugin is not installed)');
        continue;
      }
      // vagrant-libvirt connects to qemu:///system by default: the user must be allowed there.
      const access = await ctx.runner.run('virsh', ['-c', 'qemu:///system', 'list', '--name'], { env: ctx.env, timeoutMs: 20_000 });
      if (access.exitCode !== 0) {
        const said =
          (access.stderr || access.stdout)
            .trim()
            .split('\n')
            .at(-1)
            ?.replace(/^error:\s*/, '') || `exit code ${access.exitCode}`;
        tried.push(
          `libvirt (virsh -c qemu:///system: ${said}: ${/permission denied/i.test(said) ? 'add your user to the libvirt group (sudo usermod -aG libvirt $USER, then log in again)' : 'start the libvirt daemon (sudo systemctl start libvirtd) and make sure your user may use it (the libvirt group)'})`,
        );
        continue;
      }
    }
    if (finding.ok) return { name: `Vagrant provider ${provider}`, ok: true, version: finding.version };
    tried.push(finding.problem === 'not on PATH' ? tool.command : `${tool.name} (${tool.command} ${finding.problem})`);
  }
  const absent = candidates.map((c) => c.tool.command).filter((command) => tried.includes(command));
  const broken = tried.filter((entry) => !absent.includes(entry));
  return {
    name: 'a Vagrant provider',
    ok: false,
    problem: [...broken, ...(absent.length ? [`${absent.join(', ')} not on PATH`] : [])].join('; '),
    remedy: wanted ? candidates[0]!.tool.install : `install VirtualBox: ${PROVIDERS[0]!.tool.install}`,
  };
}

async function probeDocker(ctx: PreflightEnv): Promise<ToolFinding> {
  const install = 'install it: https://docs.docker.com/engine/install/';
  if (!(await onPath('docker', ctx.env))) return { name: 'docker', ok: false, problem: 'not on PATH', remedy: install };
  const result = await ctx.runner.run('docker', ['version', '--format', '{{.Server.Version}}'], { env: ctx.env, timeoutMs: 20_000 });
  const version = /^(\d+\.\d+\.\d+)/m.exec(result.stdout)?.[1];
  if (result.exitCode !== 0 || !version) {
    const why = firstLine(result.stderr.split('\n').find((line) => /cannot connect|permission denied|error/i.test(line)) ?? result.stderr);
    return {
      name: 'docker daemon',
      ok: false,
      problem: `not reachable: ${why}`,
      remedy: 'start it (sudo systemctl start docker) and make sure your user may use it (sudo usermod -aG docker $USER)',
    };
  }
  if (compareVersions(version, '20.10.0') < 0)
    return {
      name: 'docker daemon',
      ok: false,
      version,
      problem: `found ${version}, need 20.10 or later`,
      remedy: install.replace('install it', 'upgrade it'),
    };
  return { name: 'docker daemon', ok: true, version };
}

async function probeGitHttpBackend(ctx: PreflightEnv): Promise<ToolFinding> {
  const git = await probeTool(GIT, ctx);
  if (!git.ok) return git;
  const execPath = await ctx.runner.run('git', ['--exec-path'], { env: ctx.env, timeoutMs: 10_000 });
  const found = await onPath('git-http-backend', { ...ctx.env, PATH: execPath.stdout.trim() });
  if (!found)
    return {
      name: 'git http-backend',
      ok: false,
      problem: `not in ${execPath.stdout.trim() || 'git --exec-path'}`,
      remedy: 'install the full git package (it ships git-http-backend)',
    };
  return { name: 'git', ok: true, version: git.version };
}

type Probe = (ctx: PreflightEnv) => Promise<ToolFinding>;

/** The tools each part needs. Bonus builds on Part 3's tools. */
export const PART_PROBES: Record<SubjectPart, Probe[]> = {
  p1: [(ctx) => probeTool(VAGRANT, ctx), probeProvider],
  p2: [(ctx) => probeTool(VAGRANT, ctx), probeProvider],
  p3: [probeDocker, (ctx) => probeTool(K3D, ctx), (ctx) => probeTool(KUBECTL, ctx), probeGitHttpBackend],
  bonus: [probeDocker, (ctx) => probeTool(K3D, ctx), (ctx) => probeTool(KUBECTL, ctx)],
};

const PART_LABEL: Record<SubjectPart, string> = { p1: 'P1', p2: 'P2', p3: 'P3', bonus: 'Bonus' };

export function describePreflight(part: SubjectPart, findings: ToolFinding[]): string {
  const missing = findings.filter((f) => !f.ok);
  if (missing.length === 0) return `${PART_LABEL[part]} live checks: ${findings.map((f) => `${f.name} ${f.version}`).join(', ')}`;
  const items = missing.map((f) => `${f.name} (${f.problem} — ${f.remedy})`);
  return `${PART_LABEL[part]} live checks need ${items.join('; ')}`;
}

export async function preflight(part: SubjectPart, ctx: PreflightEnv): Promise<PreflightReport> {
  const started = Date.now();
  const findings: ToolFinding[] = [];
  for (const probe of PART_PROBES[part]) findings.push(await probe(ctx));
  return { part, ok: findings.every((f) => f.ok), findings, message: describePreflight(part, findings), durationMs: Date.now() - started };
}
