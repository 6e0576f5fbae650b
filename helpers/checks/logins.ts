// The team's logins: IOT_LOGIN when given, otherwise read from the machine names (Part 1's
// server and Part 2's machine, each minus its trailing S). A name that came out empty
// (ENV['USER'], `whoami`: nothing in the sandbox) gives no login.
import type { VagrantMachine } from '../vagrantfile/model.ts';
import { vagrantEvaluation } from '../vagrantfile/evaluate.ts';
import type { GradingContext } from '../target/grading-context.ts';

export interface TeamLogins {
  logins: string[];
  source: 'IOT_LOGIN' | 'machine names' | 'none';
}

/** What a login looks like (as IOT_LOGIN accepts it). */
export const LOGIN_FORM = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

/** The login of a `<login>S` name, when the name has that form. */
export function loginOfServerName(name: string): string | undefined {
  if (!name.endsWith('S')) return undefined;
  const login = name.slice(0, -1);
  return LOGIN_FORM.test(login) ? login : undefined;
}

/**
 * Part 1's server by name alone: the machine named `<x>S` that has a sibling `<x>SW`, else any
 * machine whose name ends in S. Undefined when no name has that form.
 */
export function serverByName(machines: readonly VagrantMachine[]): VagrantMachine | undefined {
  const names = new Set(machines.map((machine) => machine.name));
  return (
    machines.find((machine) => machine.name.endsWith('S') && names.has(`${machine.name}W`)) ??
    machines.find((machine) => machine.name.length > 1 && machine.name.endsWith('S'))
  );
}

export function teamLogins(ctx: GradingContext): Promise<TeamLogins> {
  return ctx.once('team-logins', async (): Promise<TeamLogins> => {
    if (ctx.config.logins.length > 0) return { logins: [...ctx.config.logins], source: 'IOT_LOGIN' };
    const logins: string[] = [];
    const add = (name: string | undefined): void => {
      const login = name === undefined ? undefined : loginOfServerName(name);
      if (login && !logins.includes(login)) logins.push(login);
    };
    const p1 = await vagrantEvaluation(ctx, 'p1');
    if (p1?.ok) add(serverByName(p1.config.machines)?.name);
    const p2 = await vagrantEvaluation(ctx, 'p2');
    if (p2?.ok) add(p2.config.machines.find((machine) => machine.name.endsWith('S'))?.name);
    return { logins, source: logins.length > 0 ? 'machine names' : 'none' };
  });
}
