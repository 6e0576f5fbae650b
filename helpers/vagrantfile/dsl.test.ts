// The recording Vagrant DSL: what a Vagrantfile configures comes back typed, with its lines.
import { describe, expect, test } from 'vitest';
import { configOf, evaluateText } from './testing.ts';

/** The 1-based line of `text` that holds `snippet` (the first one). */
const lineOf = (text: string, snippet: string): number => {
  const index = text.split('\n').findIndex((line) => line.includes(snippet));
  if (index < 0) throw new Error(`no line holds ${snippet}`);
  return index + 1;
};

const CLUSTER = `# -*- mode: ruby -*-
Vagrant.require_version ">= 2.2.0"
require 'yaml'
BOX = "debian/bookworm64"
NODES = YAML.load_file("nodes.yaml")["nodes"]
PLUGINS = Vagrant.has_plugin?("vagrant-vbguest") ? "vbguest" : "none"

Vagrant.configure("2") do |config|
  config.vm.box = BOX
  config.vm.box_check_update = false
  config.ssh.insert_key = false
  config.vagrant.plugins = ["vagrant-reload"]
  config.vbguest.auto_update = false
  config.trigger.after :up do |trigger|
    trigger.info = "up"
  end

  config.vm.provider "virtualbox" do |vb|
    vb.memory = "1024"
    vb.cpus = 1
    vb.gui = false
    vb.customize ["modifyvm", :id, "--natdnshostresolver1", "on"]
  end
  config.vm.provision "shell", inline: "echo #{Vagrant::VERSION} #{PLUGINS}"

  NODES.each_with_index do |node, index|
    config.vm.define node["name"], primary: index.zero? do |machine|
      machine.vm.hostname = node["name"]
      machine.vm.network :private_network, ip: node["ip"], virtualbox__intnet: "iot"
      machine.vm.network "forwarded_port", guest: 6443, host: 6443 + index
      machine.vm.synced_folder ".", "/vagrant", type: "rsync"
      machine.vm.provider :libvirt do |lv|
        lv.memory = 512
        lv.cpus = 1
      end
      machine.vm.provision "k3s", type: "shell", path: "scripts/#{node["role"]}.sh",
        env: { "ROLE" => node["role"], "INDEX" => index, "SERVER" => true, "EMPTY" => nil },
        args: "--ip #{node["ip"]} 'two words'", privileged: true
      machine.vm.provision :shell do |s|
        s.inline = "hostname"
        s.args = [1, :two]
        s.run = "always"
      end
    end
  end
end
`;

const NODES = `nodes:
  - { name: aliceS, ip: 192.168.56.110, role: server }
  - { name: aliceSW, ip: 192.168.56.111, role: agent }
`;

describe('a Vagrantfile that builds its machines from a node list inside the repository', async () => {
  const config = configOf(await evaluateText(CLUSTER, { 'p1/nodes.yaml': NODES }));
  const [server, worker] = config.machines;

  test('each define is a machine, with the line of its define', () => {
    expect(config.machines.map((machine) => machine.name)).toEqual(['aliceS', 'aliceSW']);
    expect(server!.location).toEqual({ file: 'p1/Vagrantfile', line: lineOf(CLUSTER, 'config.vm.define') });
    expect(worker!.location).toEqual({ file: 'p1/Vagrantfile', line: lineOf(CLUSTER, 'config.vm.define') });
    expect(worker!.hostname).toBe('aliceSW');
  });

  test('a machine inherits the global box with the line that sets it', () => {
    expect(worker!.box).toBe('debian/bookworm64');
    expect(worker!.boxLocation).toEqual({ file: 'p1/Vagrantfile', line: lineOf(CLUSTER, 'config.vm.box = BOX') });
  });

  test('networks keep their type, IP, options and line', () => {
    expect(server!.networks).toEqual([
      {
        type: 'private_network',
        ip: '192.168.56.110',
        options: { virtualbox__intnet: 'iot' },
        location: { file: 'p1/Vagrantfile', line: lineOf(CLUSTER, ':private_network') },
      },
      {
        type: 'forwarded_port',
        options: { guest: 6443, host: 6443 },
        location: { file: 'p1/Vagrantfile', line: lineOf(CLUSTER, 'forwarded_port') },
      },
    ]);
    expect(worker!.networks[1]!.options).toEqual({ guest: 6443, host: 6444 });
  });

  test('providers: global and machine blocks, memory and cpus as written, every other setting recorded', () => {
    expect(Object.keys(server!.providers)).toEqual(['virtualbox', 'libvirt']);
    expect(server!.providers.virtualbox).toEqual({
      memory: '1024',
      cpus: 1,
      settings: { gui: false, customize: [['modifyvm', 'id', '--natdnshostresolver1', 'on']] },
      location: { file: 'p1/Vagrantfile', line: lineOf(CLUSTER, 'provider "virtualbox"') },
    });
    expect(server!.providers.libvirt).toMatchObject({
      memory: 512,
      cpus: 1,
      location: { file: 'p1/Vagrantfile', line: lineOf(CLUSTER, ':libvirt') },
    });
  });

  test('provisioners: global first, then the machine own, with type, name, path, env, args, options and line', () => {
    const [global, k3s, block] = worker!.provisioners;
    expect(global).toMatchObject({
      type: 'shell',
      inline: 'echo 2.4.3 none',
      location: { file: 'p1/Vagrantfile', line: lineOf(CLUSTER, 'inline: "echo') },
    });
    expect(k3s).toEqual({
      type: 'shell',
      name: 'k3s',
      path: 'scripts/agent.sh',
      resolvedPath: 'p1/scripts/agent.sh',
      env: { ROLE: 'agent', INDEX: '1', SERVER: 'true', EMPTY: '' },
      args: ['--ip', '192.168.56.111', 'two words'],
      options: { privileged: true },
      location: { file: 'p1/Vagrantfile', line: lineOf(CLUSTER, '"k3s", type:') },
    });
    expect(block).toMatchObject({
      type: 'shell',
      inline: 'hostname',
      args: ['1', 'two'],
      options: { run: 'always' },
      location: { file: 'p1/Vagrantfile', line: lineOf(CLUSTER, 'provision :shell do') },
    });
  });

  test('synced folders are recorded', () => {
    expect(server!.syncedFolders).toEqual([
      {
        source: '.',
        destination: '/vagrant',
        options: { type: 'rsync' },
        location: { file: 'p1/Vagrantfile', line: lineOf(CLUSTER, 'synced_folder') },
      },
    ]);
  });

  test('settings the DSL does not know (ssh, vagrant, plugins, triggers) are accepted silently', () => {
    expect(config.notes).toEqual([]);
  });
});

describe('merging as Vagrant does', () => {
  test('a machine setting overrides the global one; lists add up', async () => {
    const config = configOf(
      await evaluateText(`
Vagrant.configure("2") do |config|
  config.vm.box = "ubuntu/jammy64"
  config.vm.network "private_network", ip: "10.0.0.1"
  config.vm.provider "virtualbox" do |vb|
    vb.memory = 2048
    vb.cpus = 2
  end
  config.vm.define "one" do |one|
    one.vm.box = "debian/bookworm64"
    one.vm.provider "virtualbox" do |vb|
      vb.memory = 1024
    end
  end
  config.vm.define :two
end
`),
    );
    const [one, two] = config.machines;
    expect(one).toMatchObject({ name: 'one', box: 'debian/bookworm64', boxLocation: { line: 10 } });
    expect(one!.providers.virtualbox).toMatchObject({ memory: 1024, cpus: 2, location: { line: 11 } });
    expect(two).toMatchObject({ name: 'two', box: 'ubuntu/jammy64', boxLocation: { line: 3 } });
    expect(two!.providers.virtualbox).toMatchObject({ memory: 2048, cpus: 2, location: { line: 5 } });
    expect(two!.networks.map((network) => network.ip)).toEqual(['10.0.0.1']);
  });

  test('a Vagrantfile without define has one machine named default', async () => {
    const config = configOf(await evaluateText(`Vagrant.configure(2) { |c| c.vm.hostname = "solo" }\n`));
    expect(config.machines).toMatchObject([{ name: 'default', hostname: 'solo', location: { file: 'p1/Vagrantfile', line: 1 } }]);
  });

  test('define blocks run after the whole file, as in Vagrant (a for loop shares its variable)', async () => {
    const config = configOf(
      await evaluateText(`
Vagrant.configure("2") do |config|
  for i in 1..2
    config.vm.define "n#{i}" do |n|
      n.vm.hostname = "host#{i}"
    end
  end
end
`),
    );
    expect(config.machines.map((machine) => [machine.name, machine.hostname])).toEqual([
      ['n1', 'host2'],
      ['n2', 'host2'],
    ]);
  });

  test('resources set through customize or vmx count as memory and cpus', async () => {
    const config = configOf(
      await evaluateText(`
Vagrant.configure("2") do |config|
  config.vm.provider "virtualbox" do |vb|
    vb.customize ["modifyvm", :id, "--memory", "512", "--cpus", 1]
  end
  config.vm.provider "vmware_desktop" do |v|
    v.vmx["memsize"] = "1024"
    v.vmx["numvcpus"] = "1"
  end
end
`),
    );
    const [machine] = config.machines;
    expect(machine!.providers.virtualbox).toMatchObject({ memory: '512', cpus: 1 });
    expect(machine!.providers.vmware_desktop).toMatchObject({ memory: '1024', cpus: '1' });
  });

  test('a provisioner path outside the repository has no resolvedPath; one built from __dir__ resolves', async () => {
    const config = configOf(
      await evaluateText(`
Vagrant.configure("2") do |config|
  config.vm.provision "shell", path: "../../elsewhere.sh"
  config.vm.provision "shell", path: File.join(__dir__, "scripts", "setup.sh")
  config.vm.provision "shell", path: "https://example.org/setup.sh"
end
`),
    );
    const paths = config.machines[0]!.provisioners.map((provisioner) => [provisioner.path, provisioner.resolvedPath]);
    expect(paths).toEqual([
      ['../../elsewhere.sh', undefined],
      ['/repo/p1/scripts/setup.sh', 'p1/scripts/setup.sh'],
      ['https://example.org/setup.sh', undefined],
    ]);
  });
});
