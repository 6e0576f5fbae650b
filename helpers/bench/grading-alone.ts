// The grading a benchmark times on its own: grade-once.ts in a fresh Node process, started as npm test
// starts its grading (grading-child.mjs: same Node flags, same compile cache). bench:static times it, and
// bench:static-run compares npm test -- static with it, so both time the same process.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GRADING_NODE_FLAGS, withCompileCache } from '../sheet/grading-child.mjs';

const GRADE_ONCE = fileURLToPath(new URL('./grade-once.ts', import.meta.url));

/** Grades IOT_REPO of `env` once, to the end; its last stdout line is grade-once.ts's JSON report. */
export function gradeAlone(env: NodeJS.ProcessEnv, cwd?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...GRADING_NODE_FLAGS, GRADE_ONCE], { cwd, env: withCompileCache(env), encoding: 'utf8' });
}
