// Scripts a `file` provisioner uploads and an inline provisioner runs are scripts of the machine
// (CHECKS.md, "Scripts of a machine"), as ddel-bla/42-IoT's Part 1 writes it.
import { describe, expect, it } from 'vitest';
import type { VagrantProvisioner } from '../vagrantfile/model.ts';
import { machineScripts } from './facts.ts';
import { machine, shellProvisioner, tempRepository } from './testing.ts';
import { uploadedFiles } from './uploads.ts';

const SERVER_SCRIPT = '#!/bin/bash\ncurl -sfL https://get.k3s.io | sh -s - --node-ip=192.168.56.110\n';

function upload(line: number, source: string, destination: string): VagrantProvisioner {
  return { type: 'file', env: {}, args: [], options: { source, destination }, location: { file: 'p1/Vagrantfile', line } };
}

async function serverInstalls(provisioners: VagrantProvisioner[], files: Record<string, string> = {}) {
  const repository = await tempRepository({ 'p1/Vagrantfile': '#\n', 'p1/scripts/master_node.sh': SERVER_SCRIPT, ...files });
  const scripts = await machineScripts(repository.ctx, 'p1', machine('wilS', '192.168.56.110', provisioners));
  return scripts.flatMap((script) => script.k3sInstalls.map((install) => ({ file: script.file, mode: install.mode })));
}

describe('scripts uploaded by a file provisioner', () => {
  it.each([
    ['bash /tmp/master_node.sh'],
    ['sh /tmp/master_node.sh'],
    ['chmod +x /tmp/master_node.sh && /tmp/master_node.sh'],
    ['sudo -E bash /tmp/master_node.sh'],
  ])('are run by an inline provisioner: %s', async (inline) => {
    const installs = await serverInstalls([
      upload(3, 'scripts/master_node.sh', '/tmp/master_node.sh'),
      shellProvisioner({ line: 4, inline }),
    ]);
    expect(installs).toEqual([{ file: 'p1/scripts/master_node.sh', mode: 'server' }]);
  });

  it('are followed when the inline script copies or moves the upload before running it', async () => {
    const copied = await serverInstalls([
      upload(3, 'scripts/master_node.sh', '/tmp/master_node.sh'),
      shellProvisioner({
        line: 4,
        inline: 'cp /tmp/master_node.sh /tmp/provision_script.sh\nchmod +x /tmp/provision_script.sh\n/tmp/provision_script.sh\n',
      }),
    ]);
    expect(copied).toEqual([{ file: 'p1/scripts/master_node.sh', mode: 'server' }]);
    const moved = await serverInstalls([
      upload(3, './scripts/master_node.sh', '/home/vagrant/setup.sh'),
      shellProvisioner({ line: 4, inline: 'mv /home/vagrant/setup.sh /usr/local/bin/\nbash /usr/local/bin/setup.sh\n' }),
    ]);
    expect(moved).toEqual([{ file: 'p1/scripts/master_node.sh', mode: 'server' }]);
  });

  it('are seen only by the provisioners that run after the upload, the latest upload to a path winning', async () => {
    const runFirst = await serverInstalls([
      shellProvisioner({ line: 3, inline: 'bash /tmp/master_node.sh' }),
      upload(4, 'scripts/master_node.sh', '/tmp/master_node.sh'),
    ]);
    expect(runFirst).toEqual([]);
    const replaced = await serverInstalls(
      [
        upload(3, 'scripts/master_node.sh', '/tmp/setup.sh'),
        shellProvisioner({ line: 4, inline: 'bash /tmp/setup.sh' }),
        upload(5, 'scripts/other.sh', '/tmp/setup.sh'),
        shellProvisioner({ line: 6, inline: 'bash /tmp/setup.sh' }),
      ],
      { 'p1/scripts/other.sh': '#!/bin/bash\necho other\n' },
    );
    expect(replaced).toEqual([{ file: 'p1/scripts/master_node.sh', mode: 'server' }]);
  });
});

describe('uploadedFiles', () => {
  it('maps each absolute destination to its source in the Vagrantfile folder, up to the provisioner that runs', () => {
    const run = shellProvisioner({ line: 5, inline: 'true' });
    const server = machine('wilS', '192.168.56.110', [
      upload(2, 'scripts/a.sh', '/tmp/a.sh'),
      upload(3, 'confs/', '~/confs'),
      upload(4, 'scripts/b.sh', 'b.sh'),
      run,
      upload(6, 'scripts/c.sh', '/tmp/c.sh'),
    ]);
    expect([...uploadedFiles(server, 'p1', run)]).toEqual([['/tmp/a.sh', 'p1/scripts/a.sh']]);
    expect([...uploadedFiles(server, 'p1')]).toEqual([
      ['/tmp/a.sh', 'p1/scripts/a.sh'],
      ['/tmp/c.sh', 'p1/scripts/c.sh'],
    ]);
  });
});
