// `vagrant status --machine-readable`: one line per fact, "timestamp,target,type,data…". Reading it needs
// no Ruby sandbox: vagrant itself evaluates the Vagrantfile, which the live tier runs anyway.

export interface VagrantMachineState {
  name: string;
  /** running, poweroff, not_created, saved, shutoff … as the provider says it. */
  state: string;
  provider?: string;
}

/** Vagrant escapes commas in data as %!(VAGRANT_COMMA) and newlines as \n. */
const unescape = (text: string): string => text.replace(/%!\(VAGRANT_COMMA\)/g, ',').replace(/\\n/g, '\n');

export function parseVagrantStatus(output: string): VagrantMachineState[] {
  const machines = new Map<string, VagrantMachineState>();
  for (const line of output.split('\n')) {
    const fields = line.trim().split(',');
    if (fields.length < 4) continue;
    const [, target, type, ...data] = fields;
    if (!target) continue;
    const machine = machines.get(target) ?? { name: target, state: 'unknown' };
    if (type === 'state') machine.state = unescape(data.join(','));
    else if (type === 'provider-name') machine.provider = unescape(data.join(','));
    else if (type === 'metadata' && data[0] === 'provider') machine.provider ??= data[1];
    else continue;
    machines.set(target, machine);
  }
  return [...machines.values()];
}

/** The Part 1 server: the machine named <login>S (not …SW); else the first one defined, as CHECKS.md says. */
export function machineRoles(names: string[]): { server?: string; worker?: string } {
  const server = names.find((name) => /S$/.test(name) && !/SW$/.test(name)) ?? names[0];
  const worker = names.find((name) => name !== server && /SW$/.test(name)) ?? names.find((name) => name !== server);
  return { server, worker };
}
