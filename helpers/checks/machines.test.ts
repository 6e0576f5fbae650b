// The machine checks of Parts 1 and 2, and the team logins, on small repositories.
import { afterAll, describe, expect, test } from 'vitest';
import { readConfig } from '../config/env.ts';
import { openTarget } from '../target/repository.ts';
import { writeRepository, type TempRepository } from '../vagrantfile/testing.ts';
import { GradingContext } from '../target/grading-context.ts';
import { teamLogins } from './logins.ts';
import { runCheck } from './grade.ts';
import { machineChecks, partOneRoles } from './machines.ts';
import type { CheckResult } from './result.ts';

const created: TempRepository[] = [];
afterAll(() => Promise.all(created.map((repository) => repository.remove())));

interface Options {
  date?: string;
  login?: string;
}

async function contextFor(files: Record<string, string>, options: Options = {}): Promise<GradingContext> {
  const repository = await writeRepository(files);
  created.push(repository);
  const config = readConfig({ IOT_REPO: repository.root, IOT_DATE: options.date ?? '2026-11-26', IOT_LOGIN: options.login });
  return new GradingContext(config, await openTarget(repository.root));
}

async function run(ctx: GradingContext, id: string): Promise<CheckResult> {
  return runCheck(ctx, id);
}

interface MachineSpec {
  name: string;
  hostname?: string | null;
  ip?: string | null;
  provider?: string | null;
}

/** A Vagrantfile with a global box and provider, and one define per machine. */
function vagrantfile(
  machines: MachineSpec[],
  global = 'config.vm.box = "debian/bookworm64"\n  config.vm.provider "virtualbox" do |vb|\n    vb.memory = 1024\n    vb.cpus = 1\n  end',
): string {
  const defines = machines.map((machine) => {
    // A name starting with a quote is a Ruby string expression, such as "#{ENV["USER"]}S".
    const name = machine.name.startsWith('"') ? machine.name : JSON.stringify(machine.name);
    const lines = [`  config.vm.define ${name} do |m|`];
    if (machine.hostname !== null) lines.push(`    m.vm.hostname = ${machine.hostname ?? name}`);
    if (machine.ip !== null) lines.push(`    m.vm.network "private_network", ip: "${machine.ip}"`);
    if (machine.provider) lines.push(`    ${machine.provider}`);
    lines.push('  end');
    return lines.join('\n');
  });
  return `Vagrant.configure("2") do |config|\n  ${global}\n${defines.join('\n')}\nend\n`;
}

const P1 = vagrantfile([
  { name: 'aliceS', ip: '192.168.56.110' },
  { name: 'aliceSW', ip: '192.168.56.111' },
]);
const P2 = vagrantfile([{ name: 'aliceS', ip: '192.168.56.110' }]);

describe('a conforming repository', async () => {
  const ctx = await contextFor({ 'p1/Vagrantfile': P1, 'p2/Vagrantfile': P2 });

  test.each(Object.keys(machineChecks))('%s passes', async (id) => {
    const result = await run(ctx, id);
    expect(`${result.status}: ${result.message}`).toMatch(/^pass: /);
    expect(result.locations.length).toBeGreaterThan(0);
  });

  test('roles and logins come from the names', async () => {
    const roles = await partOneRoles(ctx);
    expect([roles?.server.name, roles?.worker?.name]).toEqual(['aliceS', 'aliceSW']);
    expect(await teamLogins(ctx)).toEqual({ logins: ['alice'], source: 'machine names' });
  });
});

describe('logins', () => {
  test('IOT_LOGIN wins, and each part may use another team member', async () => {
    const ctx = await contextFor(
      { 'p1/Vagrantfile': P1, 'p2/Vagrantfile': vagrantfile([{ name: 'bobS', ip: '192.168.56.110' }]) },
      { login: 'alice,bob' },
    );
    expect(await teamLogins(ctx)).toEqual({ logins: ['alice', 'bob'], source: 'IOT_LOGIN' });
    expect((await run(ctx, 'P1-NAMES')).status).toBe('pass');
    expect((await run(ctx, 'P2-MACHINE')).status).toBe('pass');
  });

  test('without IOT_LOGIN the team is both parts’ logins', async () => {
    const ctx = await contextFor({ 'p1/Vagrantfile': P1, 'p2/Vagrantfile': vagrantfile([{ name: 'bobS', ip: '192.168.56.110' }]) });
    expect(await teamLogins(ctx)).toEqual({ logins: ['alice', 'bob'], source: 'machine names' });
  });

  test('names from the environment give no login', async () => {
    const fromEnv = vagrantfile([
      { name: '"#{ENV["USER"]}S"', ip: '192.168.56.110' },
      { name: '"#{`whoami`.strip}SW"', ip: '192.168.56.111' },
    ]);
    const ctx = await contextFor({ 'p1/Vagrantfile': fromEnv, 'p2/Vagrantfile': fromEnv });
    expect((await partOneRoles(ctx))?.server.name).toBe('S');
    expect(await teamLogins(ctx)).toEqual({ logins: [], source: 'none' });
  });
});

describe('P1-NAMES', () => {
  test('a login that is not in IOT_LOGIN fails, and the case must match', async () => {
    const ctx = await contextFor({ 'p1/Vagrantfile': P1, 'p2/Vagrantfile': P2 }, { login: 'Alice' });
    const result = await run(ctx, 'P1-NAMES');
    expect(result).toMatchObject({
      status: 'fail',
      locations: [
        { file: 'p1/Vagrantfile', line: 7 },
        { file: 'p1/Vagrantfile', line: 11 },
      ],
    });
    expect(result.message).toContain('"alice" is not a team login (IOT_LOGIN=Alice; the case must match)');
    expect(result.fix).toContain('config.vm.define "aliceS"');
  });

  test('names from ENV["USER"] fail, and the other checks still find the server and the worker', async () => {
    const p1 = vagrantfile([
      { name: '"#{ENV["USER"]}S"', ip: '192.168.56.110' },
      { name: '"#{ENV["USER"]}SW"', ip: '192.168.56.111' },
    ]);
    const ctx = await contextFor({ 'p1/Vagrantfile': p1, 'p2/Vagrantfile': P2 });
    const result = await run(ctx, 'P1-NAMES');
    expect(result.status).toBe('fail');
    expect(result.message).toContain(`the server's name "S" is not <login>S: its login part is empty`);
    expect(result.fix).toContain('"aliceS"');
    expect((await run(ctx, 'P1-IPS')).status).toBe('pass');
  });

  test('a hostname different from the name fails; a missing hostname too', async () => {
    const p1 = vagrantfile([
      { name: 'aliceS', hostname: '"server"', ip: '192.168.56.110' },
      { name: 'aliceSW', hostname: null, ip: '192.168.56.111' },
    ]);
    const result = await run(await contextFor({ 'p1/Vagrantfile': p1 }), 'P1-NAMES');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('p1/Vagrantfile:7: aliceS has hostname "server", not its name');
    expect(result.message).toContain('p1/Vagrantfile:11: aliceSW sets no hostname');
  });

  test('with no <login>S name, the first machine is the server and the other the worker', async () => {
    const p1 = vagrantfile([
      { name: 'controller', ip: '192.168.56.110' },
      { name: 'agent', ip: '192.168.56.111' },
    ]);
    const ctx = await contextFor({ 'p1/Vagrantfile': p1 });
    const roles = await partOneRoles(ctx);
    expect([roles?.server.name, roles?.worker?.name]).toEqual(['controller', 'agent']);
    expect((await run(ctx, 'P1-NAMES')).status).toBe('fail');
    expect((await run(ctx, 'P1-IPS')).status).toBe('pass');
  });
});

describe('P1-MACHINES, P1-IPS', () => {
  test('one machine: P1-MACHINES fails; the checks that need a worker skip naming it', async () => {
    const ctx = await contextFor({ 'p1/Vagrantfile': vagrantfile([{ name: 'aliceS', ip: '192.168.56.110' }]) });
    expect(await run(ctx, 'P1-MACHINES')).toMatchObject({
      status: 'fail',
      message: 'p1/Vagrantfile defines 1 machine ("aliceS"); Part 1 needs exactly two',
    });
    expect(await run(ctx, 'P1-NAMES')).toMatchObject({ status: 'skip', message: expect.stringMatching(/^skipped: P1-MACHINES failed/) });
    expect(await run(ctx, 'P1-IPS')).toMatchObject({ status: 'skip', message: expect.stringMatching(/^skipped: P1-MACHINES failed/) });
  });

  test('a wrong or missing private IP names the network line or the machine', async () => {
    const p1 = vagrantfile([
      { name: 'aliceS', ip: null },
      { name: 'aliceSW', ip: '192.168.56.112' },
    ]);
    const result = await run(await contextFor({ 'p1/Vagrantfile': p1 }), 'P1-IPS');
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'p1/Vagrantfile:7: the server aliceS has no private network (expected 192.168.56.110); p1/Vagrantfile:12: the worker aliceSW has private network 192.168.56.112 instead of 192.168.56.111',
    );
  });
});

describe('P1-RESOURCES', () => {
  test('memory as a string counts; every provider of a machine must comply', async () => {
    const p1 = vagrantfile(
      [
        { name: 'aliceS', ip: '192.168.56.110' },
        { name: 'aliceSW', ip: '192.168.56.111', provider: 'm.vm.provider "libvirt" do |lv| lv.memory = 4096 end' },
      ],
      'config.vm.provider "virtualbox" do |vb|\n    vb.memory = "512"\n    vb.cpus = "1"\n  end',
    );
    const result = await run(await contextFor({ 'p1/Vagrantfile': p1 }), 'P1-RESOURCES');
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'p1/Vagrantfile:13: the libvirt provider of aliceSW sets memory 4096 (expected 512 or 1024) and sets no cpus',
    );
    expect(result.locations).toEqual([{ file: 'p1/Vagrantfile', line: 13 }]);
  });

  test('no provider block: not set is a failure', async () => {
    const p1 = vagrantfile(
      [
        { name: 'aliceS', ip: '192.168.56.110' },
        { name: 'aliceSW', ip: '192.168.56.111' },
      ],
      'config.vm.box = "debian/bookworm64"',
    );
    const result = await run(await contextFor({ 'p1/Vagrantfile': p1 }), 'P1-RESOURCES');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('aliceS sets no memory or CPUs');
  });
});

describe('P1-BOX', () => {
  const withBox = (box: string, extra = ''): string =>
    vagrantfile(
      [
        { name: 'aliceS', ip: '192.168.56.110' },
        { name: 'aliceSW', ip: '192.168.56.111' },
      ],
      `config.vm.box = "${box}"${extra}`,
    );

  test('the grading date decides: Debian 11 is supported through 2026-08-31', async () => {
    expect((await run(await contextFor({ 'p1/Vagrantfile': withBox('debian/bullseye64') }, { date: '2026-08-31' }), 'P1-BOX')).status).toBe(
      'pass',
    );
    const late = await run(await contextFor({ 'p1/Vagrantfile': withBox('debian/bullseye64') }, { date: '2026-09-01' }), 'P1-BOX');
    expect(late).toMatchObject({
      status: 'fail',
      locations: [
        { file: 'p1/Vagrantfile', line: 2 },
        { file: 'p1/Vagrantfile', line: 2 },
      ],
    });
    expect(late.message).toContain('is Debian 11 (bullseye), whose Debian LTS ended on 2026-08-31');
    expect(late.fix).toContain('debian/bookworm64');
  });

  test('an unknown box is skipped, saying so', async () => {
    const result = await run(await contextFor({ 'p1/Vagrantfile': withBox('acme/base') }), 'P1-BOX');
    expect(result.status).toBe('skip');
    expect(result.message).toContain('"acme/base"');
  });

  test('a custom box is identified by its box_url', async () => {
    const result = await run(
      await contextFor({ 'p1/Vagrantfile': withBox('iot-base', '\n  config.vm.box_url = "https://example.org/boxes/ubuntu-18.04.box"') }),
      'P1-BOX',
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain('Ubuntu 18.04 LTS (bionic) (by its box_url https://example.org/boxes/ubuntu-18.04.box)');
  });
});

describe('P2-MACHINE', () => {
  test('two machines, a wrong hostname and a wrong IP are all reported', async () => {
    const p2 = vagrantfile([
      { name: 'aliceS', hostname: '"alice"', ip: '192.168.56.111' },
      { name: 'aliceSW', ip: '192.168.56.111' },
    ]);
    const result = await run(await contextFor({ 'p2/Vagrantfile': p2 }), 'P2-MACHINE');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('p2/Vagrantfile defines 2 machines ("aliceS", "aliceSW"); Part 2 needs exactly one');
    expect(result.message).toContain('aliceS has hostname "alice", not its name');
    expect(result.message).toContain('has private network 192.168.56.111 instead of 192.168.56.110');
  });
});

describe('one root cause, one failure', () => {
  test('no Vagrantfile: every machine check skips naming G-LAYOUT', async () => {
    const ctx = await contextFor({ 'p1/scripts/server.sh': 'echo\n' });
    for (const id of Object.keys(machineChecks))
      expect(await run(ctx, id), id).toMatchObject({ status: 'skip', message: expect.stringMatching(/^skipped: G-LAYOUT failed/) });
  });

  test('a Vagrantfile that does not evaluate: its check fails, the others skip naming it', async () => {
    const ctx = await contextFor({ 'p1/Vagrantfile': 'Vagrant.configure("2") do |config|\n', 'p2/Vagrantfile': P2 });
    const p1 = Object.keys(machineChecks).filter((id) => id.startsWith('P1-'));
    expect(await run(ctx, 'P1-VAGRANTFILE')).toMatchObject({ status: 'fail', locations: [{ file: 'p1/Vagrantfile' }] });
    const failure = await run(ctx, 'P1-VAGRANTFILE');
    for (const id of p1.filter((id) => id !== 'P1-VAGRANTFILE'))
      expect(await run(ctx, id), id).toEqual({
        id,
        status: 'skip',
        message: 'skipped: P1-VAGRANTFILE failed (p1/Vagrantfile does not evaluate)',
        locations: failure.locations,
      });
    expect((await run(ctx, 'P2-MACHINE')).status).toBe('pass');
    expect(await partOneRoles(ctx)).toBeUndefined();
  });
});
