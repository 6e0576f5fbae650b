// The second half of preflight, once the tools are there: what on this host stands in the way of booting a
// part (live-gate.ts, HostProblem). Part 1/2: nothing may answer on 192.168.56.110 yet. Part 3/bonus: ports
// 8888 and 8443 free, and sudo usable when the scripts to run call it.
import type { SubjectPart } from '../target/layout.ts';
import type { Target } from '../target/repository.ts';
import type { CommandRunner } from './command-runner.ts';
import { portTaken, privateAddressTaken, type CollisionContext } from './host-collisions.ts';
import type { HostProblem } from './live-gate.ts';
import type { ScriptPlan } from './setup-scripts.ts';
import { sudoProblem, sudoUses } from './sudo-needs.ts';

/** The Part 1/2 server's private address (CHECKS.md). */
export const PRIVATE_ADDRESS = '192.168.56.110';
/** The app (P3L-V1) and the Argo CD UI of the reference: what a kept Part 3 cluster holds. */
export const PART3_PORTS = [8888, 8443];

export async function vagrantReadiness(ctx: CollisionContext): Promise<HostProblem[]> {
  const taken = await privateAddressTaken(PRIVATE_ADDRESS, ctx);
  return taken ? [{ kind: 'busy', message: taken }] : [];
}

export async function k3dReadiness(
  ctx: CollisionContext & {
    target: Target;
    part: Extract<SubjectPart, 'p3' | 'bonus'>;
    plan: ScriptPlan | Promise<ScriptPlan>;
    uid?: number;
  },
): Promise<HostProblem[]> {
  const problems: HostProblem[] = [];
  for (const port of PART3_PORTS) {
    const taken = await portTaken(port, ctx);
    if (taken) problems.push({ kind: 'busy', message: taken });
  }
  const env = ctx.env ?? process.env;
  const sudo = await sudoProblem(await sudoUses(ctx.target, ctx.part, await ctx.plan, env), ctx.runner as CommandRunner, env, ctx.uid);
  if (sudo) problems.push({ kind: 'needs', message: sudo });
  return problems;
}
