// Part 1 — K3s and Vagrant, booted for real (CHECKS.md, "Part 1", live table): `vagrant up` in the target's
// Vagrantfile folder, then each check looks at the machines and the cluster.
import { describe } from 'vitest';
import { callerLocation, CommandError } from '../../helpers/cluster/command-runner.ts';
import { succeeded, pending, failed } from '../../helpers/cluster/expectation.ts';
import { vagrantReadiness } from '../../helpers/cluster/host-readiness.ts';
import { CheckFailure, liveSuite } from '../../helpers/cluster/live-check.ts';
import { nodesMatch } from '../../helpers/cluster/node-checks.ts';
import { SERVER_IP, VagrantCluster, WORKER_IP } from '../../helpers/cluster/parts/vagrant-cluster.ts';

const { check } = liveSuite<VagrantCluster>({
  part: 'p1',
  bootOwner: 'P1L-UP',
  readiness: ({ runner }) => vagrantReadiness({ runner }),
  driver: ({ target, runner, log }) => new VagrantCluster({ part: 'p1', target, runner, log }),
});

const roleIp = (cluster: VagrantCluster, machine: string): string => (machine === cluster.roles.server ? SERVER_IP : WORKER_IP);

describe('Part 1 — K3s and Vagrant (live)', () => {
  check('P1L-UP', [], async ({ driver }) => {
    const machines = driver.machines;
    const list = machines.map((m) => `${m.name} ${m.state}`).join(', ') || 'none';
    if (machines.length !== 2)
      throw new CheckFailure(
        `vagrant status lists ${machines.length} machine(s): ${list}`,
        'define exactly two machines, <login>S and <login>SW',
      );
    const down = machines.filter((m) => m.state !== 'running');
    if (down.length)
      throw new CheckFailure(
        `not running after vagrant up: ${down.map((m) => `${m.name} ${m.state}`).join(', ')}`,
        'read boot.log for the provider error',
      );
    return `both machines running: ${list}`;
  });

  check('P1L-SSH', ['P1L-UP'], async ({ driver }) => {
    for (const machine of driver.machines) {
      const result = await driver.ssh(machine.name, 'true');
      if (result.exitCode !== 0)
        throw new CommandError(result, callerLocation(), `vagrant ssh ${machine.name} (no password allowed: BatchMode)`);
    }
    return `vagrant ssh works without a password for ${driver.machines.map((m) => m.name).join(' and ')}`;
  });

  check('P1L-HOSTNAMES', ['P1L-SSH'], async ({ driver }) => {
    const seen: string[] = [];
    for (const machine of driver.machines) {
      const hostname = (await driver.sshChecked(machine.name, 'hostname')).trim();
      if (hostname !== machine.name)
        throw new CheckFailure(
          `the hostname inside ${machine.name} is "${hostname}"`,
          `set config.vm.hostname = "${machine.name}" in its define block`,
        );
      seen.push(`${machine.name}: ${hostname}`);
    }
    return seen.join(', ');
  });

  check('P1L-IPS', ['P1L-SSH'], async ({ driver }) => {
    const seen: string[] = [];
    for (const machine of driver.machines) {
      const want = roleIp(driver, machine.name);
      const addresses = await driver.sshChecked(machine.name, 'ip -4 -o addr show');
      const line = addresses.split('\n').find((l) => l.includes(` ${want}/`));
      if (!line)
        throw new CheckFailure(
          `${machine.name} has no interface with ${want} (ip -4 addr: ${[...addresses.matchAll(/inet (\S+)/g)].map((m) => m[1]).join(', ')})`,
          `give ${machine.name} config.vm.network "private_network", ip: "${want}"`,
        );
      seen.push(`${machine.name} ${want} on ${line.split(/\s+/)[1]}`);
    }
    return seen.join(', ');
  });

  check('P1L-NODES', ['P1L-SSH'], async ({ driver, poll }) => {
    const { server, worker } = driver.roles;
    const expected = [
      { name: server!, ip: SERVER_IP, controlPlane: true },
      { name: worker!, ip: WORKER_IP },
    ];
    const result = await poll('2 nodes Ready', async () => nodesMatch(await driver.nodes(), expected));
    return result.message;
  });

  check('P1L-SERVICES', ['P1L-SSH'], async ({ driver, poll }) => {
    const { server, worker } = driver.roles;
    const units: Array<[string, string]> = [
      [server!, 'k3s'],
      [worker!, 'k3s-agent'],
    ];
    const result = await poll('k3s on the server and k3s-agent on the worker active', async () => {
      const states: string[] = [];
      for (const [machine, unit] of units) {
        const state = (await driver.ssh(machine, `systemctl is-active ${unit}`)).stdout.trim() || 'unknown';
        if (state === 'inactive' || state === 'unknown') {
          const exists = await driver.ssh(machine, `systemctl cat ${unit} >/dev/null 2>&1`);
          if (exists.exitCode !== 0)
            return failed(`${machine} has no ${unit} service: K3s is not installed there in ${unit === 'k3s' ? 'server' : 'agent'} mode`);
        }
        if (state === 'failed') return failed(`${unit} on ${machine} failed (see its journal in the evidence)`);
        if (state !== 'active') return pending(`${unit} on ${machine} active (it is ${state})`);
        states.push(`${unit} active on ${machine}`);
      }
      return succeeded(states.join(', '));
    });
    return result.message;
  });

  check('P1L-KUBECTL', ['P1L-SSH'], async ({ driver }) => {
    const seen: string[] = [];
    for (const machine of driver.machines) {
      const result = await driver.ssh(machine.name, 'command -v kubectl');
      if (result.exitCode !== 0 || !result.stdout.trim())
        throw new CheckFailure(
          `kubectl is not on the PATH of ${machine.name}`,
          'K3s installs a kubectl link in /usr/local/bin; check that its install ran on every machine',
        );
      seen.push(`${machine.name}: ${result.stdout.trim()}`);
    }
    return seen.join(', ');
  });
});
