// npm run bench:static — grades a repository the size of a typical submission (this project's
// reference implementation, or IOT_REPO) in a fresh Node process, several times, and prints wall
// time (start-up included) and peak memory against the targets: under 3 s, under 300 MB.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GRADING_NODE_FLAGS, withCompileCache } from '../sheet/grading-child.mjs';
import { median, verdict } from './measure.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_WALL_MS = 3000;
const TARGET_RSS_MB = 300;
const script = fileURLToPath(new URL('./grade-once.ts', import.meta.url));

const runs = [];
for (let i = 0; i < RUNS; i++) {
  const started = performance.now();
  // Started as npm test starts its grading process (grading-child.mjs): same flags, same compile cache.
  const child = spawnSync(process.execPath, [...GRADING_NODE_FLAGS, script], { encoding: 'utf8', env: withCompileCache(process.env) });
  const wallMs = Math.round(performance.now() - started);
  if (child.status !== 0) {
    console.error(`grading failed (exit ${child.status}):\n${child.stderr}`);
    process.exit(1);
  }
  const report = JSON.parse(child.stdout.trim().split('\n').pop()!);
  runs.push({ wallMs, ...report });
  console.log(
    `run ${i + 1}: wall ${wallMs} ms (grading ${report.gradingMs} ms), peak RSS ${report.peakRssMB} MB, ${report.checks} checks: ${report.pass} pass, ${report.fail} fail, ${report.skip} skip`,
  );
}
const wall = median(runs.map((run) => run.wallMs));
const rss = Math.max(...runs.map((run) => run.peakRssMB));
console.log(
  `median wall ${wall} ms (target < ${TARGET_WALL_MS} ms: ${verdict(wall < TARGET_WALL_MS)}); peak RSS ${rss} MB (target < ${TARGET_RSS_MB} MB: ${verdict(rss < TARGET_RSS_MB)})`,
);
process.exitCode = wall < TARGET_WALL_MS && rss < TARGET_RSS_MB ? 0 : 1;
