// The machine checks of Parts 1 and 2: the Vagrantfile evaluates, and its machines have the
// names, addresses, resources and boxes the subject asks for. Facts come from the sandboxed
// evaluation (../vagrantfile/evaluate.ts), shared by every check of a part.
import { boxRelease, isEndOfLife, RELEASES } from '../vagrantfile/box-eol.ts';
import { vagrantEvaluation } from '../vagrantfile/evaluate.ts';
import type { VagrantConfig, VagrantMachine } from '../vagrantfile/model.ts';
import type { StaticChecks } from './context.ts';
import type { GradingContext } from '../target/grading-context.ts';
import { loginOfServerName, serverByName, teamLogins } from './logins.ts';
import { fail, pass, skip, type CheckResult } from './result.ts';
import { formatLocation, type Location } from '../target/location.ts';

export const SERVER_IP = '192.168.56.110';
export const WORKER_IP = '192.168.56.111';

type Part = 'p1' | 'p2';
const VAGRANTFILE_CHECK: Record<Part, string> = { p1: 'P1-VAGRANTFILE', p2: 'P2-VAGRANTFILE' };

const at = formatLocation;
const quoted = (names: readonly string[]): string => names.map((name) => `"${name}"`).join(', ');

/** The part's evaluated configuration; the check declares P1-VAGRANTFILE or P2-VAGRANTFILE among its needs. */
async function configOf(ctx: GradingContext, part: Part): Promise<{ config: VagrantConfig; file: string }> {
  const evaluation = await vagrantEvaluation(ctx, part);
  if (!evaluation?.ok)
    throw new Error(`the Vagrantfile of ${part} did not evaluate: the check must declare ${VAGRANTFILE_CHECK[part]} among its needs`);
  return { config: evaluation.config, file: evaluation.file };
}

/** A login to show in fixes: the team's first, else a placeholder. */
async function sampleLogin(ctx: GradingContext): Promise<string> {
  return (await teamLogins(ctx)).logins[0] ?? '<login>';
}

function vagrantfileCheck(part: Part): (ctx: GradingContext) => Promise<CheckResult> {
  const id = VAGRANTFILE_CHECK[part];
  return async (ctx) => {
    const evaluation = await vagrantEvaluation(ctx, part);
    if (!evaluation) {
      const expected = ctx.target.layout.parts[part].vagrantfile ?? `${part}/Vagrantfile`;
      return skip(id, `skipped: G-LAYOUT failed (${expected} is missing)`, [{ file: expected }]);
    }
    if (!evaluation.ok) {
      const location = evaluation.location ?? { file: evaluation.file, ...(evaluation.line ? { line: evaluation.line } : {}) };
      return { ...fail(id, evaluation.message, evaluation.fix, [location]), cause: `${evaluation.file} does not evaluate` };
    }
    const location: Location = { file: evaluation.file };
    const names = evaluation.config.machines.map((machine) => machine.name);
    const notes = evaluation.config.notes.length ? `; the grader noted: ${evaluation.config.notes.slice(0, 3).join('; ')}` : '';
    return pass(id, `${evaluation.file} evaluates: ${names.length} machine${names.length === 1 ? '' : 's'} (${quoted(names)})${notes}`, [
      location,
    ]);
  };
}

export interface PartOneRoles {
  server: VagrantMachine;
  worker?: VagrantMachine;
}

/**
 * Part 1's server and worker: the server is the machine named `<login>S` (a login of IOT_LOGIN,
 * else a name ending in S, preferring one with a `<name>W` sibling); when no name has that form,
 * the first machine. The worker is `<server>W`, else the first other machine.
 */
export function partOneRoles(ctx: GradingContext): Promise<PartOneRoles | undefined> {
  return ctx.once('p1-roles', async () => {
    const evaluation = await vagrantEvaluation(ctx, 'p1');
    if (!evaluation?.ok || evaluation.config.machines.length === 0) return undefined;
    const machines = evaluation.config.machines;
    const server =
      ctx.config.logins.map((login) => machines.find((machine) => machine.name === `${login}S`)).find((machine) => machine !== undefined) ??
      serverByName(machines) ??
      machines[0]!;
    const worker = machines.find((machine) => machine.name === `${server.name}W`) ?? machines.find((machine) => machine !== server);
    return worker ? { server, worker } : { server };
  });
}

/** Why a name is not `<login>S` for a team login, or undefined when it is. */
function serverNameProblem(name: string, logins: readonly string[], fromIotLogin: boolean): string | undefined {
  const login = loginOfServerName(name);
  if (login === undefined) {
    if (name === 'S' || name === '')
      return `its login part is empty (a name built from ENV['USER'] or a command such as \`whoami\` is empty when graded)`;
    if (/s$/.test(name) && loginOfServerName(`${name.slice(0, -1)}S`)) return 'it must end with a capital S';
    return 'it is not a login followed by S';
  }
  if (fromIotLogin && !logins.includes(login)) return `"${login}" is not a team login (IOT_LOGIN=${logins.join(',')}; the case must match)`;
  return undefined;
}

function hostnameProblem(machine: VagrantMachine): string | undefined {
  if (machine.hostname === undefined || machine.hostname === '') return `${at(machine.location)}: ${machine.name} sets no hostname`;
  if (machine.hostname !== machine.name) return `${at(machine.location)}: ${machine.name} has hostname "${machine.hostname}", not its name`;
  return undefined;
}

/** The problem with a machine's private network address, or undefined when it has `expected`. */
function ipProblem(machine: VagrantMachine, role: string, expected: string): { text: string; location: Location } | undefined {
  const privates = machine.networks.filter((network) => network.type.replace(/^:/, '') === 'private_network');
  const ips = privates.map((network) => network.ip?.replace(/\/\d+$/, ''));
  if (ips.includes(expected)) return undefined;
  if (privates.length === 0)
    return {
      text: `${at(machine.location)}: ${role} ${machine.name} has no private network (expected ${expected})`,
      location: machine.location,
    };
  const first = privates[0]!;
  const shown = ips.map((ip, i) => ip ?? (privates[i]!.options.type === 'dhcp' ? 'DHCP' : 'no IP'));
  return {
    text: `${at(first.location ?? machine.location)}: ${role} ${machine.name} has private network ${shown.join(', ')} instead of ${expected}`,
    location: first.location ?? machine.location,
  };
}

const p1Machines = async (ctx: GradingContext): Promise<CheckResult> => {
  const id = 'P1-MACHINES';
  const found = await configOf(ctx, 'p1');
  const machines = found.config.machines;
  const locations = machines.map((machine) => machine.location);
  const login = await sampleLogin(ctx);
  const fix = `define exactly two machines: config.vm.define "${login}S" (the server) and config.vm.define "${login}SW" (the worker)`;
  if (machines.length === 2)
    return pass(
      id,
      `${found.file} defines two machines: ${machines.map((machine) => `${machine.name} (${at(machine.location)})`).join(' and ')}`,
      locations,
    );
  if (machines.length === 1 && machines[0]!.name === 'default')
    return fail(
      id,
      `${found.file} defines no machine with config.vm.define, so Vagrant makes a single machine named "default"; Part 1 needs two`,
      fix,
      locations,
    );
  return fail(
    id,
    `${found.file} defines ${machines.length} machine${machines.length === 1 ? '' : 's'} (${quoted(machines.map((machine) => machine.name))}); Part 1 needs exactly two`,
    fix,
    locations,
  );
};

const p1Names = async (ctx: GradingContext): Promise<CheckResult> => {
  const id = 'P1-NAMES';
  const found = await configOf(ctx, 'p1');
  const roles = await partOneRoles(ctx);
  if (!roles?.worker)
    return skip(
      id,
      `skipped: P1-MACHINES failed (${found.file} defines one machine)`,
      roles ? [roles.server.location] : [{ file: found.file }],
    );
  const { server, worker } = roles;
  const logins = ctx.config.logins;
  const fromIotLogin = logins.length > 0;
  const problems: string[] = [];
  const nameProblem = serverNameProblem(server.name, logins, fromIotLogin);
  if (nameProblem) problems.push(`${at(server.location)}: the server's name "${server.name}" is not <login>S: ${nameProblem}`);
  if (worker.name !== `${server.name}W`)
    problems.push(`${at(worker.location)}: the worker's name "${worker.name}" is not the server's name followed by W ("${server.name}W")`);
  for (const machine of [server, worker]) {
    const problem = hostnameProblem(machine);
    if (problem) problems.push(problem);
  }
  const locations = [server.location, worker.location];
  if (problems.length === 0) {
    return pass(
      id,
      `the server is "${server.name}" and the worker "${worker.name}" (login ${server.name.slice(0, -1)}), each with its name as hostname`,
      locations,
    );
  }
  const login = loginOfServerName(server.name) ?? logins[0] ?? (await sampleLogin(ctx));
  return fail(
    id,
    problems.join('; '),
    `name the machines with a login written in the Vagrantfile (not from ENV or a command): config.vm.define "${login}S" and config.vm.define "${login}SW", and set each machine's vm.hostname to its name`,
    locations,
  );
};

const p1Ips = async (ctx: GradingContext): Promise<CheckResult> => {
  const id = 'P1-IPS';
  const found = await configOf(ctx, 'p1');
  const roles = await partOneRoles(ctx);
  if (!roles?.worker)
    return skip(
      id,
      `skipped: P1-MACHINES failed (${found.file} defines one machine)`,
      roles ? [roles.server.location] : [{ file: found.file }],
    );
  const problems = [ipProblem(roles.server, 'the server', SERVER_IP), ipProblem(roles.worker, 'the worker', WORKER_IP)].filter(
    (problem) => problem !== undefined,
  );
  if (problems.length === 0) {
    const where = (machine: VagrantMachine, ip: string): Location =>
      machine.networks.find((network) => network.ip?.replace(/\/\d+$/, '') === ip)?.location ?? machine.location;
    return pass(id, `${roles.server.name} has ${SERVER_IP} and ${roles.worker.name} has ${WORKER_IP} on a private network`, [
      where(roles.server, SERVER_IP),
      where(roles.worker, WORKER_IP),
    ]);
  }
  return fail(
    id,
    problems.map((problem) => problem.text).join('; '),
    `give the server vm.network "private_network", ip: "${SERVER_IP}" and the worker vm.network "private_network", ip: "${WORKER_IP}"`,
    problems.map((problem) => problem.location),
  );
};

const asNumber = (value: number | string | undefined): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
};

const p1Resources = async (ctx: GradingContext): Promise<CheckResult> => {
  const id = 'P1-RESOURCES';
  const found = await configOf(ctx, 'p1');
  const problems: string[] = [];
  const locations: Location[] = [];
  const summary: string[] = [];
  for (const machine of found.config.machines) {
    const providers = Object.entries(machine.providers);
    if (providers.length === 0) {
      problems.push(`${at(machine.location)}: ${machine.name} sets no memory or CPUs (no config.vm.provider block applies to it)`);
      locations.push(machine.location);
      continue;
    }
    for (const [name, provider] of providers) {
      const where = provider.location ?? machine.location;
      const memory = asNumber(provider.memory);
      const cpus = asNumber(provider.cpus);
      const wrong: string[] = [];
      if (provider.memory === undefined) wrong.push('sets no memory');
      else if (memory !== 512 && memory !== 1024) wrong.push(`sets memory ${JSON.stringify(provider.memory)} (expected 512 or 1024)`);
      if (provider.cpus === undefined) wrong.push('sets no cpus');
      else if (cpus !== 1) wrong.push(`sets cpus ${JSON.stringify(provider.cpus)} (expected 1)`);
      if (wrong.length) {
        problems.push(`${at(where)}: the ${name} provider of ${machine.name} ${wrong.join(' and ')}`);
        locations.push(where);
      } else summary.push(`${machine.name}: ${name} ${memory} MB, 1 CPU`);
    }
  }
  if (problems.length === 0)
    return pass(
      id,
      `every machine sets 1 CPU and 512 or 1024 MB: ${summary.join('; ')}`,
      found.config.machines.map((machine) => Object.values(machine.providers)[0]?.location ?? machine.location),
    );
  return fail(
    id,
    problems.join('; '),
    'in every provider block that applies to a machine, set memory to 512 or 1024 and cpus to 1, e.g. config.vm.provider "virtualbox" do |vb| vb.memory = 1024; vb.cpus = 1 end',
    locations,
  );
};

/** Boxes to suggest, with the release each one carries. */
const SUGGESTED_BOXES: ReadonlyArray<[string, string]> = [
  ['debian/bookworm64', 'debian-12'],
  ['bento/debian-13', 'debian-13'],
  ['bento/ubuntu-24.04', 'ubuntu-24.04'],
  ['ubuntu/jammy64', 'ubuntu-22.04'],
];

function boxSuggestion(date: string): string {
  const supported = SUGGESTED_BOXES.filter(([, key]) => !isEndOfLife(RELEASES[key]!, date)).slice(0, 2);
  if (supported.length === 0) return 'use a box of a release whose security support has not ended';
  return `use a supported release, such as ${supported.map(([box, key]) => `"${box}" (${RELEASES[key]!.distribution} ${RELEASES[key]!.version}, supported until ${RELEASES[key]!.eol})`).join(' or ')}`;
}

const p1Box = async (ctx: GradingContext): Promise<CheckResult> => {
  const id = 'P1-BOX';
  const found = await configOf(ctx, 'p1');
  const date = ctx.config.date;
  const problems: string[] = [];
  const problemLocations: Location[] = [];
  const unknown: string[] = [];
  const supported: string[] = [];
  const locations: Location[] = [];
  for (const machine of found.config.machines) {
    const where = machine.boxLocation ?? machine.location;
    locations.push(where);
    if (!machine.box) {
      problems.push(`${at(machine.location)}: ${machine.name} sets no box`);
      problemLocations.push(machine.location);
      continue;
    }
    const named = boxRelease(machine.box, machine.boxUrl);
    if (!named) {
      unknown.push(`${at(where)}: the box "${machine.box}" of ${machine.name}${machine.boxUrl ? ` (box_url ${machine.boxUrl})` : ''}`);
      continue;
    }
    const { release } = named;
    const via = named.from === 'box_url' ? ` (by its box_url ${machine.boxUrl})` : '';
    if (isEndOfLife(release, date)) {
      problems.push(
        `${at(where)}: the box "${machine.box}" of ${machine.name} is ${release.distribution} ${release.version}${via}, whose ${release.support} ended on ${release.eol} (grading date ${date}; source ${release.source})`,
      );
      problemLocations.push(where);
    } else
      supported.push(
        `${machine.name}: "${machine.box}" is ${release.distribution} ${release.version}${via}, ${release.support} until ${release.eol}`,
      );
  }
  if (problems.length) return fail(id, problems.join('; '), `${boxSuggestion(date)} in config.vm.box`, problemLocations);
  if (unknown.length)
    return skip(
      id,
      `cannot tell whether ${unknown.join('; ')} is end-of-life: the suite's end-of-life table does not know it; check its distribution's support dates yourself`,
      locations,
    );
  return pass(id, `every box is supported on ${date}: ${supported.join('; ')}`, locations);
};

const p2Machine = async (ctx: GradingContext): Promise<CheckResult> => {
  const id = 'P2-MACHINE';
  const found = await configOf(ctx, 'p2');
  const machines = found.config.machines;
  const logins = ctx.config.logins;
  const problems: string[] = [];
  if (machines.length !== 1)
    problems.push(
      `${found.file} defines ${machines.length} machines (${quoted(machines.map((machine) => machine.name))}); Part 2 needs exactly one`,
    );
  const machine = machines.find((candidate) => loginOfServerName(candidate.name) !== undefined) ?? machines[0]!;
  if (machine.name === 'default' && machines.length === 1)
    problems.push(`${found.file} defines no machine with config.vm.define, so Vagrant names it "default"`);
  else {
    const nameProblem = serverNameProblem(machine.name, logins, logins.length > 0);
    if (nameProblem) problems.push(`${at(machine.location)}: the machine's name "${machine.name}" is not <login>S: ${nameProblem}`);
  }
  const hostname = hostnameProblem(machine);
  if (hostname) problems.push(hostname);
  const ip = ipProblem(machine, 'the machine', SERVER_IP);
  if (ip) problems.push(ip.text);
  const locations = [machine.location, ...(ip ? [ip.location] : [])];
  if (problems.length === 0) {
    return pass(
      id,
      `${found.file} defines one machine "${machine.name}" with hostname "${machine.hostname}" and private network ${SERVER_IP}`,
      [machine.location],
    );
  }
  const login = loginOfServerName(machine.name) ?? logins[0] ?? (await sampleLogin(ctx));
  return fail(
    id,
    problems.join('; '),
    `define one machine named after a login written in the Vagrantfile: config.vm.define "${login}S" with vm.hostname = "${login}S" and vm.network "private_network", ip: "${SERVER_IP}"`,
    locations,
  );
};

export const machineChecks = {
  'P1-VAGRANTFILE': vagrantfileCheck('p1'),
  'P1-MACHINES': p1Machines,
  'P1-NAMES': p1Names,
  'P1-IPS': p1Ips,
  'P1-RESOURCES': p1Resources,
  'P1-BOX': p1Box,
  'P2-VAGRANTFILE': vagrantfileCheck('p2'),
  'P2-MACHINE': p2Machine,
} satisfies StaticChecks;
