// The typed result of evaluating a Vagrantfile in the Ruby sandbox.
import type { Location } from '../target/location.ts';

export interface VagrantNetwork {
  /** 'private_network', 'public_network', 'forwarded_port' … as written. */
  type: string;
  ip?: string;
  options: Record<string, unknown>;
  /** Where the network line is. */
  location?: Location;
}

export interface VagrantProvider {
  memory?: number | string;
  cpus?: number | string;
  /** Every other setting the provider block assigned, by name. */
  settings: Record<string, unknown>;
  /** The provider block that sets memory or cpus (else the first block for this provider). */
  location?: Location;
}

export interface VagrantSyncedFolder {
  source: string;
  destination?: string;
  options: Record<string, unknown>;
  location?: Location;
}

export interface VagrantProvisioner {
  /** 'shell', 'file', 'ansible' … */
  type: string;
  name?: string;
  inline?: string;
  /** As the Vagrantfile computes it; a path built from __dir__ or __FILE__ starts with /repo, where the sandbox mounts the repository. */
  path?: string;
  /** path resolved against the Vagrantfile's folder, relative to the target root (posix); undefined when outside the repository. */
  resolvedPath?: string;
  env: Record<string, string>;
  args: string[];
  /** Any other option (privileged, run …). */
  options: Record<string, unknown>;
  location: Location;
}

export interface VagrantMachine {
  /** The name given to config.vm.define. */
  name: string;
  /** The global config (outside define blocks) is merged in, as Vagrant does. */
  box?: string;
  /** Where config.vm.box is set. */
  boxLocation?: Location;
  boxUrl?: string;
  boxVersion?: string;
  hostname?: string;
  networks: VagrantNetwork[];
  /** Keyed by provider name: virtualbox, libvirt, vmware_desktop … */
  providers: Record<string, VagrantProvider>;
  provisioners: VagrantProvisioner[];
  syncedFolders?: VagrantSyncedFolder[];
  location: Location;
}

export interface VagrantConfig {
  machines: VagrantMachine[];
  /** Things the sandbox refused or neutralised (shell-outs, reads outside the repository …), for messages. */
  notes: string[];
}

export type VagrantEvaluation =
  | { ok: true; file: string; config: VagrantConfig }
  | {
      ok: false;
      file: string;
      message: string;
      fix: string;
      /** A line of the Vagrantfile itself. */
      line?: number;
      /** Where the error is, when known: the Vagrantfile, or a file it loads (require_relative …). */
      location?: Location;
    };
