// What the parts' shell scripts do: they parse (G-SHELL-SYNTAX), pass ShellCheck's errors
// (G-SHELLCHECK), install K3s in the right mode on the right machine (P1-K3S-*, P1-NODE-IP,
// P2-K3S-SERVER), and for Part 3 install Docker, K3d and kubectl and create the K3d cluster.
import { effective } from '../shell/invocation.ts';
import { machineScripts, scriptFacts } from '../shell/facts.ts';
import { makefileStepNote } from '../shell/makefile-steps.ts';
import type { K3sInstall, ScriptFacts, ScriptProblem, ToolInstall, Word } from '../shell/model.ts';
import { runShellchecks, shellcheckDialect } from '../shell/shellcheck.ts';
import { SUBJECT_PARTS } from '../target/layout.ts';
import { vagrantEvaluation } from '../vagrantfile/evaluate.ts';
import type { VagrantMachine } from '../vagrantfile/model.ts';
import type { StaticChecks } from './context.ts';
import type { GradingContext } from '../target/grading-context.ts';
import { partOneRoles } from './machines.ts';
import { fail, pass, skip, type CheckResult } from './result.ts';
import { formatLocation, type Location } from '../target/location.ts';

const SERVER_URL = 'https://192.168.56.110:6443';

const at = formatLocation;
const list = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** Every script of every part, and the inline provisioners of p1 and p2. */
async function everyScript(ctx: GradingContext): Promise<ScriptFacts[]> {
  const scripts: ScriptFacts[] = [];
  for (const part of SUBJECT_PARTS) scripts.push(...(await scriptFacts(ctx, part)));
  for (const part of ['p1', 'p2'] as const) {
    if (!ctx.target.hasPart(part)) continue;
    const evaluation = await vagrantEvaluation(ctx, part);
    if (!evaluation?.ok) continue;
    for (const machine of evaluation.config.machines) {
      if (!machine.provisioners.some((provisioner) => provisioner.type === 'shell' && provisioner.inline !== undefined)) continue;
      scripts.push(...(await machineScripts(ctx, part, machine)).filter((script) => script.inline));
    }
  }
  return scripts;
}

function brokenScript(script: ScriptFacts): string | undefined {
  if (script.problem) return script.problem.message;
  if (script.parsed) return undefined;
  const line = script.parseError?.line;
  return `${line ? `${script.file}:${line}` : script.file}: ${script.parseError?.message ?? 'does not parse'}`;
}

// ---- machines and their installs ----

type Machines = { server: VagrantMachine; worker?: VagrantMachine };

/** Part 1's server and worker; its checks need P1-VAGRANTFILE, so the Vagrantfile evaluates. */
async function partOneMachines(ctx: GradingContext, id: string): Promise<Machines | CheckResult> {
  return (await partOneRoles(ctx)) ?? skip(id, 'skipped: P1-MACHINES failed (the Vagrantfile defines no machine)');
}

interface MachineInstalls {
  scripts: ScriptFacts[];
  installs: K3sInstall[];
  /** Scripts that could not be read or parsed, with why. */
  broken: Array<{ script: ScriptFacts; why: string }>;
}

async function installsOf(ctx: GradingContext, part: 'p1' | 'p2', machine: VagrantMachine): Promise<MachineInstalls> {
  const scripts = await machineScripts(ctx, part, machine);
  return {
    scripts,
    installs: scripts.flatMap((script) => script.k3sInstalls),
    broken: scripts.flatMap((script) => {
      const why = brokenScript(script);
      return why ? [{ script, why }] : [];
    }),
  };
}

const describeScript = (script: ScriptFacts): string =>
  script.inline ? `inline provisioner in ${script.file}` : script.remote ? `${script.remote} run by ${script.file}` : script.file;

const describeScripts = (machine: VagrantMachine, scripts: ScriptFacts[]): string =>
  scripts.length
    ? `the scripts of ${machine.name} (${list([...new Set(scripts.map(describeScript))])})`
    : `${machine.name}, which has no shell provisioner`;

const installAt = (install: K3sInstall): string => `${at(install.location)} (${install.via})`;

/** The script is not there to read: not committed, outside the repository, or a URL the grader does not fetch. */
function isAbsentScript(problem: ScriptProblem): boolean {
  switch (problem.kind) {
    case 'missing':
    case 'outside-repository':
    case 'not-fetched':
      return true;
    case 'unreadable':
    case 'not-analysed':
      return false;
  }
}

/**
 * The result when a machine's scripts hold no install to judge: a script G-SHELL-SYNTAX already
 * fails hides it (skip), otherwise the machine has none (fail).
 */
function noInstall(id: string, machine: VagrantMachine, found: MachineInstalls, fix: string): CheckResult {
  const syntax = found.broken.filter(({ script }) => !script.problem || !isAbsentScript(script.problem));
  if (syntax.length)
    return skip(
      id,
      `skipped: G-SHELL-SYNTAX failed (${syntax.map(({ why }) => why).join('; ')})`,
      syntax.map(({ script }) => ({ file: script.file, ...(script.parseError?.line ? { line: script.parseError.line } : {}) })),
    );
  const missing = found.broken.map(({ why }) => why);
  const readable = found.scripts.filter((script) => !script.problem);
  // A script the provisioner names that is not there: its own sentence, not "no install in …".
  const message =
    readable.length || !missing.length
      ? `no K3s install found in ${describeScripts(machine, readable)}${missing.length ? `; ${missing.join('; ')}` : ''}`
      : `${missing.join('; ')}, so the grader finds no K3s install for ${machine.name}`;
  const kinds = new Set(found.broken.map(({ script }) => script.problem?.kind));
  const fixes = [
    kinds.has('missing')
      ? "make each provisioner's path: name a committed script exactly (names are case-sensitive on Linux), or commit the script it names"
      : '',
    kinds.has('outside-repository') || kinds.has('not-fetched')
      ? "commit every script a provisioner runs in the part's scripts/ folder and name it in path: (the grader fetches nothing)"
      : '',
  ].filter(Boolean);
  const locations = found.scripts.map((script) => (script.problem ? provisionerOf(machine, script) : undefined) ?? { file: script.file });
  return fail(id, message, fixes.length ? `${fixes.join('; ')}; then ${fix}` : fix, locations.length ? locations : [machine.location]);
}

/** Where the provisioner that runs a script by path: (a file or a URL) stands in the Vagrantfile. */
const provisionerOf = (machine: VagrantMachine, script: ScriptFacts): Location | undefined =>
  machine.provisioners.find(
    (provisioner) =>
      provisioner.type === 'shell' &&
      (script.remote ? provisioner.path === script.remote : (provisioner.resolvedPath ?? provisioner.path) === script.file),
  )?.location;

async function k3sServerCheck(id: string, ctx: GradingContext, part: 'p1' | 'p2', machine: VagrantMachine): Promise<CheckResult> {
  const found = await installsOf(ctx, part, machine);
  const fix = `install K3s in server mode from a shell provisioner of ${machine.name}, e.g. \`curl -sfL https://get.k3s.io | sh -s - server --node-ip <its IP>\``;
  const server = found.installs.find((install) => install.mode === 'server');
  if (server) return pass(id, `${machine.name} installs K3s in server mode at ${installAt(server)}`, [server.location]);
  const agents = found.installs.filter((install) => install.mode === 'agent');
  if (agents.length) {
    const agent = agents[0]!;
    const why = agent.serverUrl
      ? `it joins ${agent.serverUrl.value} (${agent.env.K3S_URL !== undefined ? 'K3S_URL' : '--server / server:'})`
      : 'its first word is agent';
    return fail(
      id,
      `${machine.name} installs K3s in agent mode at ${installAt(agent)}: ${why}`,
      `make ${machine.name} the server: drop K3S_URL / --server and start K3s with \`server\` (INSTALL_K3S_EXEC="server …" or \`sh -s - server …\`)`,
      agents.map((install) => install.location),
    );
  }
  return noInstall(id, machine, found, fix);
}

// ---- Part 3: tools and the cluster ----

const P3_TOOLS: Array<{ tool: ToolInstall['tool']; label: string; hint: string }> = [
  { tool: 'docker', label: 'Docker', hint: 'curl -fsSL https://get.docker.com | sh (or apt-get install -y docker.io)' },
  { tool: 'k3d', label: 'K3d', hint: 'curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash' },
  {
    tool: 'kubectl',
    label: 'kubectl',
    hint: 'curl -LO https://dl.k8s.io/release/vX.Y.Z/bin/linux/amd64/kubectl && install -m 0755 kubectl /usr/local/bin/kubectl',
  },
];

function brokenSkip(id: string, scripts: ScriptFacts[]): CheckResult | undefined {
  const broken = scripts.filter((script) => brokenScript(script));
  if (!broken.length) return undefined;
  return skip(
    id,
    `skipped: G-SHELL-SYNTAX failed (${broken.map((script) => brokenScript(script)).join('; ')})`,
    broken.map((script) => ({ file: script.file, ...(script.parseError?.line ? { line: script.parseError.line } : {}) })),
  );
}

// ---- Part 1 agent and node IP ----

function agentProblems(install: K3sInstall): string[] {
  const problems: string[] = [];
  const url: Word | undefined = install.serverUrl;
  const urlSource =
    install.env.K3S_URL !== undefined
      ? 'K3S_URL'
      : install.flagSources?.server && !['INSTALL_K3S_EXEC', 'args', 'ExecStart'].includes(install.flagSources.server)
        ? `server: in ${install.flagSources.server}`
        : '--server';
  if (!url) problems.push('it names no server to join (K3S_URL, --server or server: in a K3s config file)');
  else if (url.unresolved.length)
    problems.push(
      `${urlSource} is ${url.value}, and nothing sets ${list(url.unresolved)} (not the provisioner's env: or args:, the script or a file it sources, nor .env)`,
    );
  else if (url.value.replace(/\/+$/, '') !== SERVER_URL) problems.push(`${urlSource} is ${url.value}, not ${SERVER_URL}`);
  if (!install.tokenFrom)
    problems.push('it gives no join token (K3S_TOKEN, K3S_TOKEN_FILE, --token, --token-file, or token: in a K3s config file)');
  return problems;
}

function privateIps(machine: VagrantMachine): string[] {
  return machine.networks
    .filter((network) => network.type === 'private_network' && network.ip)
    .map((network) => network.ip!.replace(/\/\d+$/, ''));
}

/** Why an install does not pin the node to the private network; undefined when it does. */
function nodeIpProblem(machine: VagrantMachine, install: K3sInstall): string | undefined {
  const nodeIp = install.flags['node-ip'];
  const iface = install.flags['flannel-iface'];
  if (nodeIp === undefined && iface === undefined) return `${installAt(install)} sets neither --node-ip nor --flannel-iface`;
  const variables = (flag: string): string[] =>
    (install.flagUnresolved?.[flag] ?? []).filter((name) => !name.startsWith('$(') && !name.startsWith('`'));
  for (const flag of ['node-ip', 'flannel-iface']) {
    const names = variables(flag);
    if (names.length)
      return `${installAt(install)} sets --${flag} to ${String(install.flags[flag])}, and nothing sets ${list(names)} (not the provisioner's env: or args:, the script or a file it sources, nor .env)`;
  }
  if (typeof nodeIp === 'string' && !(install.flagUnresolved?.['node-ip'] ?? []).length) {
    const ips = privateIps(machine);
    const given = nodeIp.split(',');
    if (ips.length && !given.some((ip) => ips.includes(ip)))
      return `${installAt(install)} sets --node-ip ${nodeIp}, but ${machine.name}'s private network IP is ${list(ips)}`;
  }
  return undefined;
}

export const provisioningChecks = {
  'G-SHELL-SYNTAX': async (ctx) => {
    const scripts = await everyScript(ctx);
    if (!scripts.length) return pass('G-SHELL-SYNTAX', 'no shell script under the parts');
    const broken = scripts.filter((script) => brokenScript(script));
    if (!broken.length)
      return pass(
        'G-SHELL-SYNTAX',
        `${scripts.length} shell script${scripts.length === 1 ? '' : 's'} parse as bash (${list(scripts.map((script) => (script.inline ? `inline provisioner in ${script.file}` : script.file)))})`,
      );
    const unreadable = broken.some((script) => script.problem);
    const syntax = broken.filter((script) => !script.problem);
    const arithmetic = syntax.filter((script) => script.parseError?.kind === 'arithmetic');
    return fail(
      'G-SHELL-SYNTAX',
      broken.map((script) => brokenScript(script)).join('; '),
      [
        syntax.length > arithmetic.length ? 'fix the syntax at the line named (`bash -n FILE` reports the same error)' : '',
        arithmetic.length
          ? 'fix the arithmetic expression at the line named: `bash -n` does not look inside $((…)) and ((…)), but bash reports the same syntax error when it runs the line, and the script stops there'
          : '',
        unreadable ? 'commit every script as a plain UTF-8 text file inside the repository' : '',
      ]
        .filter(Boolean)
        .join('; '),
      broken.map((script) => ({ file: script.file, ...(script.parseError?.line ? { line: script.parseError.line } : {}) })),
    );
  },

  'G-SHELLCHECK': async (ctx) => {
    const scripts = (await everyScript(ctx)).filter((script) => !script.inline);
    const checkable = scripts.filter((script) => script.parsed && !script.problem);
    if (!checkable.length)
      return pass(
        'G-SHELLCHECK',
        scripts.length ? 'no script parses, so none is checked (see G-SHELL-SYNTAX)' : 'no shell script under the parts',
      );
    const findings: Array<{ location: Location; text: string }> = [];
    const notes: string[] = [];
    let checked = 0;
    const jobs: Array<{ script: ScriptFacts; text: string; dialect: string }> = [];
    for (const script of checkable) {
      const file = ctx.target.file(script.file);
      if (file?.text === undefined) continue;
      const dialect = shellcheckDialect(script.shell);
      if (!dialect) {
        notes.push(`${script.file} is a ${script.shell} script, which ShellCheck does not check`);
        continue;
      }
      jobs.push({ script, text: file.text, dialect });
    }
    const outcomes = await runShellchecks(jobs);
    for (const [index, { script }] of jobs.entries()) {
      const outcome = outcomes[index]!;
      if (outcome.kind === 'missing') return skip('G-SHELLCHECK', 'shellcheck is not installed: apt-get install shellcheck');
      if (outcome.kind === 'failed') {
        notes.push(`${script.file} could not be checked: ${outcome.reason}`);
        continue;
      }
      checked++;
      for (const finding of outcome.findings)
        findings.push({
          location: { file: script.file, line: finding.line },
          text: `${script.file}:${finding.line}: SC${finding.code} ${finding.message}`,
        });
    }
    const left = scripts.length - checkable.length;
    const extra = [...notes, ...(left ? [`${left} script${left === 1 ? '' : 's'} left to G-SHELL-SYNTAX`] : [])];
    if (!findings.length)
      return pass(
        'G-SHELLCHECK',
        `no ShellCheck error in ${checked} script${checked === 1 ? '' : 's'}${extra.length ? ` (${extra.join('; ')})` : ''}`,
      );
    return fail(
      'G-SHELLCHECK',
      `ShellCheck reports ${findings.length} error${findings.length === 1 ? '' : 's'}: ${findings
        .slice(0, 10)
        .map((finding) => finding.text)
        .join('; ')}${findings.length > 10 ? ' …' : ''}`,
      'fix each finding at the line named (https://www.shellcheck.net/wiki/SC<code> explains it); `shellcheck -S error FILE` shows them',
      [...new Map(findings.map((finding) => [at(finding.location), finding.location])).values()],
    );
  },

  'P1-K3S-SERVER': async (ctx) => {
    const machines = await partOneMachines(ctx, 'P1-K3S-SERVER');
    if ('status' in machines) return machines;
    return k3sServerCheck('P1-K3S-SERVER', ctx, 'p1', machines.server);
  },

  'P1-K3S-AGENT': async (ctx) => {
    const id = 'P1-K3S-AGENT';
    const machines = await partOneMachines(ctx, id);
    if ('status' in machines) return machines;
    const worker = machines.worker;
    if (!worker) return skip(id, 'skipped: P1-MACHINES failed (there is no second machine to be the worker)');
    const found = await installsOf(ctx, 'p1', worker);
    const fix = `install K3s in agent mode on ${worker.name}, joining the server: \`curl -sfL https://get.k3s.io | K3S_URL=${SERVER_URL} K3S_TOKEN_FILE=/vagrant/node-token sh -s - agent --node-ip <its IP>\``;
    const agents = found.installs.filter((install) => install.mode === 'agent');
    const good = agents.find((install) => agentProblems(install).length === 0);
    if (good)
      return pass(
        id,
        `${worker.name} installs K3s in agent mode at ${installAt(good)}, joining ${good.serverUrl!.value} with a token (${good.tokenFrom})`,
        [good.location],
      );
    if (agents.length) {
      const agent = agents[0]!;
      return fail(
        id,
        `${worker.name} installs K3s in agent mode at ${installAt(agent)}, but ${agentProblems(agent).join('; and ')}`,
        fix,
        agents.map((install) => install.location),
      );
    }
    const servers = found.installs.filter((install) => install.mode === 'server');
    if (servers.length)
      return fail(
        id,
        `${worker.name} installs K3s in server mode at ${installAt(servers[0]!)}: it starts a second cluster instead of joining ${SERVER_URL}`,
        fix,
        servers.map((install) => install.location),
      );
    return noInstall(id, worker, found, fix);
  },

  'P1-NODE-IP': async (ctx) => {
    const id = 'P1-NODE-IP';
    const machines = await partOneMachines(ctx, id);
    if ('status' in machines) return machines;
    if (!machines.worker) return skip(id, 'skipped: P1-MACHINES failed (there is no second machine to be the worker)');
    const problems: string[] = [];
    const locations: Location[] = [];
    const pinned: string[] = [];
    for (const [machine, owner] of [
      [machines.server, 'P1-K3S-SERVER'],
      [machines.worker, 'P1-K3S-AGENT'],
    ] as const) {
      const { installs } = await installsOf(ctx, 'p1', machine);
      if (!installs.length) return skip(id, `skipped: ${owner} failed (${machine.name}'s scripts install no K3s)`);
      const results = installs.map((install) => ({ install, problem: nodeIpProblem(machine, install) }));
      const ok = results.find((result) => !result.problem);
      if (ok) {
        const flags = ['node-ip', 'flannel-iface']
          .filter((flag) => ok.install.flags[flag] !== undefined)
          .map((flag) => `--${flag} ${String(ok.install.flags[flag])}`);
        pinned.push(`${machine.name} at ${at(ok.install.location)} (${flags.join(', ')})`);
        continue;
      }
      problems.push(...results.map((result) => `${machine.name}: ${result.problem}`));
      locations.push(...installs.map((install) => install.location));
    }
    if (!problems.length) return pass(id, `both K3s installs are pinned to the private network: ${pinned.join('; ')}`);
    return fail(
      id,
      problems.join('; '),
      'give each K3s install its private network address: --node-ip 192.168.56.110 on the server and --node-ip 192.168.56.111 on the worker (or --flannel-iface eth1), in INSTALL_K3S_EXEC, the install args or node-ip: in /etc/rancher/k3s/config.yaml',
      locations,
    );
  },

  'P2-K3S-SERVER': async (ctx) => {
    const id = 'P2-K3S-SERVER';
    // P2-VAGRANTFILE passed (a need): the Vagrantfile evaluates.
    const evaluation = await vagrantEvaluation(ctx, 'p2');
    if (!evaluation?.ok) return skip(id, 'skipped: P2-VAGRANTFILE failed (the Vagrantfile did not evaluate)');
    const machines = evaluation.config.machines;
    if (!machines.length) return skip(id, 'skipped: P2-MACHINE failed (the Vagrantfile defines no machine)');
    if (machines.length === 1) return k3sServerCheck(id, ctx, 'p2', machines[0]!);
    const results = await Promise.all(machines.map((machine) => k3sServerCheck(id, ctx, 'p2', machine)));
    return results.find((result) => result.status === 'pass') ?? results.find((result) => result.status === 'fail') ?? results[0]!;
  },

  'P3-INSTALL': async (ctx) => {
    const id = 'P3-INSTALL';
    const scripts = await scriptFacts(ctx, 'p3');
    if (!scripts.length)
      return fail(
        id,
        `part p3 holds no shell script`,
        `add ${ctx.target.layout.parts.p3.scripts[0]}/install.sh installing Docker, K3d and kubectl`,
        [{ file: ctx.target.layout.parts.p3.scripts[0]! }],
      );
    const installs = scripts.flatMap((script) => script.toolInstalls);
    const found = P3_TOOLS.map((spec) => ({ ...spec, install: installs.find((install) => install.tool === spec.tool) }));
    const missing = found.filter((entry) => !entry.install);
    if (!missing.length)
      return pass(
        id,
        `the scripts install ${found.map((entry) => `${entry.label} at ${at(entry.install!.location)} (${entry.install!.how})`).join('; ')}`,
        found.map((entry) => entry.install!.location),
      );
    const hidden = brokenSkip(id, scripts);
    if (hidden) return hidden;
    return fail(
      id,
      `no install step for ${list(missing.map((entry) => entry.label))} in the scripts of p3 (${list(scripts.map((script) => script.file))})`,
      `add an install step (a \`command -v\` guard around it is fine): ${missing.map((entry) => `${entry.label}: ${entry.hint}`).join('; ')}`,
      scripts.map((script) => ({ file: script.file })),
    );
  },

  'P3-K3D': async (ctx) => {
    const id = 'P3-K3D';
    const scripts = await scriptFacts(ctx, 'p3');
    for (const script of scripts) {
      for (const command of script.commands) {
        const { argv, name } = effective(command);
        if (name !== 'k3d' || argv[1]?.value !== 'cluster' || argv[2]?.value !== 'create') continue;
        const rest = argv.slice(3).map((word) => word.value);
        const configIndex = rest.findIndex((word) => word === '--config' || word === '-c' || word.startsWith('--config='));
        const how =
          configIndex >= 0
            ? `, from the config ${rest[configIndex]!.includes('=') ? rest[configIndex]!.split('=')[1] : rest[configIndex + 1]}`
            : '';
        return pass(id, `${at(command.location)} creates a K3d cluster (\`${['k3d cluster create', ...rest].join(' ')}\`${how})`, [
          command.location,
        ]);
      }
    }
    const hidden = brokenSkip(id, scripts);
    if (hidden) return hidden;
    return fail(
      id,
      (scripts.length
        ? `no \`k3d cluster create\` in the scripts of p3 (${list(scripts.map((script) => script.file))})`
        : 'part p3 holds no shell script') +
        makefileStepNote(
          ctx.target,
          'p3',
          /(\bk3d|\$[({]\w+[)}])\s+cluster\s+create\b/,
          '`k3d cluster create`',
          ctx.target.layout.parts.p3.scripts[0] ?? 'p3/scripts',
        ),
      'create the cluster in a script of p3: `k3d cluster create iot -p "8888:8888@loadbalancer"` (or `k3d cluster create --config confs/k3d.yaml`)',
      scripts.length ? scripts.map((script) => ({ file: script.file })) : [{ file: ctx.target.layout.parts.p3.scripts[0]! }],
    );
  },
} satisfies StaticChecks;
