// One root cause, one failure: a live check whose boot or prerequisite failed is skipped, naming the check
// that owns the failure (CHECKS.md, "The target"). The boot owner reports a boot failure; when the owner was
// filtered out of the run (vitest -t), the first check that runs reports it instead.
import type { BootState, CheckOutcome } from './part-session.ts';

export type Precondition = { kind: 'run' } | { kind: 'skip'; message: string; root: string } | { kind: 'boot-failure'; error: Error };

export function precondition(
  id: string,
  owner: string,
  needs: readonly string[],
  boot: BootState,
  outcomes: ReadonlyMap<string, CheckOutcome>,
): Precondition {
  if (!boot.ok) {
    if (id === owner || !outcomes.has(owner)) return { kind: 'boot-failure', error: boot.error };
    return { kind: 'skip', message: `skipped: ${owner} failed`, root: owner };
  }
  for (const need of needs) {
    const outcome = outcomes.get(need);
    if (outcome?.status === 'fail') return { kind: 'skip', message: `skipped: ${need} failed`, root: need };
    if (outcome?.status === 'skip' && outcome.root) return { kind: 'skip', message: `skipped: ${outcome.root} failed`, root: outcome.root };
  }
  return { kind: 'run' };
}
