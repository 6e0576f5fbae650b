// Files a machine's `file` provisioners put on it: `config.vm.provision "file", source: "scripts/x.sh",
// destination: "/tmp/x.sh"` copies a file of the part to the guest, where a later shell provisioner
// may run it (`bash /tmp/x.sh`). Vagrant runs a machine's provisioners in the order they are
// defined (the global ones first, as the Vagrantfile model lists them), so a shell provisioner
// sees only the uploads made before it; a later upload to the same destination replaces an earlier one.
import { posix } from 'node:path';
import type { VagrantMachine, VagrantProvisioner } from '../vagrantfile/model.ts';

/**
 * Guest path → file of the part (relative to the target root), for the uploads made before
 * `runBy` runs; every upload of the machine when `runBy` is not one of its provisioners. A
 * source is relative to the Vagrantfile's folder; only absolute destinations are kept (a relative
 * one, or one with `~` or `$HOME`, names a home folder the grader does not know).
 */
export function uploadedFiles(machine: VagrantMachine | undefined, vagrantDir: string, runBy?: VagrantProvisioner): Map<string, string> {
  const uploads = new Map<string, string>();
  const provisioners = machine?.provisioners ?? [];
  const until = runBy ? provisioners.indexOf(runBy) : -1;
  for (const provisioner of until >= 0 ? provisioners.slice(0, until) : provisioners) {
    const { source, destination } = provisioner.options;
    if (provisioner.type !== 'file' || typeof source !== 'string' || typeof destination !== 'string') continue;
    if (!destination.startsWith('/') || source.startsWith('/')) continue;
    uploads.set(posix.normalize(destination), inFolder(vagrantDir, source));
  }
  return uploads;
}

const inFolder = (folder: string, path: string): string => posix.normalize(folder && folder !== '.' ? `${folder}/${path}` : path);
