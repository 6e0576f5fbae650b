// npm run bench:static-run — the path a student runs, `npm test -- static`, timed as a whole process (npm included),
// against grading the same repository once in a fresh process (suite-run-pair.ts). Targets, for a typical student
// repository: a median under 3 s, and at most 1.3 times the grading alone.
// The repository is IOT_REPO, or the passing fixture (a complete, typical submission). With BENCH_CORPUS=<folder of
// checkouts> (helpers/corpus/materialise.sh), every repository of the corpus in turn: the typical one is the median.
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../config/env.ts';
import { corpusCheckouts, isFolder } from '../corpus/checkouts.ts';
import { benchRuns, median, verdict } from './measure.ts';
import { type PairSummary, RunFailed, summarise, timePairs } from './suite-run-pair.ts';

const RUNS = benchRuns(5);
const TARGET_WALL_MS = 3000;
const TARGET_RATIO = 1.3;

const meetsTargets = (suiteMs: number, ratio: number): boolean => suiteMs < TARGET_WALL_MS && ratio <= TARGET_RATIO;
const wallVerdict = (suiteMs: number): string => `target < ${TARGET_WALL_MS} ms: ${verdict(suiteMs < TARGET_WALL_MS)}`;
// Three decimals: at two, a ratio just over the target (1.304) would read 1.30 beside "OVER TARGET".
const ratioText = (ratio: number): string => `ratio ${ratio.toFixed(3)} (target <= ${TARGET_RATIO}: ${verdict(ratio <= TARGET_RATIO)})`;

function benchOneRepository(repo: string): number {
  const summary = summarise(
    timePairs(repo, RUNS, (run, suite, grading) =>
      console.log(`run ${run}: npm test -- static ${suite.wallMs} ms; grading alone ${grading.wallMs} ms`),
    ),
  );
  console.log(`repository: ${repo}`);
  const { processor } = summary;
  if (processor)
    console.log(
      `median processor time: npm test -- static ${processor.suiteMs} ms, grading alone ${processor.gradingMs} ms, npm's own start and exit ` +
        `${processor.npmMs} ms in ${summary.npmMs} ms; on ${processor.cores} cores, npm test -- static cannot take less than ` +
        `${processor.shortestSuiteMs} ms (ratio ${(processor.shortestSuiteMs / summary.gradingMs).toFixed(2)}), however it is scheduled`,
    );
  console.log(
    `npm test -- static takes ${summary.addedMs} ms more than the grading alone (median of the paired runs), ` +
      `of which npm's own start and exit ${summary.npmMs} ms`,
  );
  console.log(`median npm test -- static: ${summary.suiteMs} ms (${wallVerdict(summary.suiteMs)})`);
  console.log(`median grading alone: ${summary.gradingMs} ms; ${ratioText(summary.ratio)}`);
  return meetsTargets(summary.suiteMs, summary.ratio) ? 0 : 1;
}

function benchCorpus(corpus: string): number {
  const names = corpusCheckouts(corpus);
  if (names.length === 0) {
    console.error(`bench:static-run: no checkout in ${corpus} (helpers/corpus/materialise.sh makes them)`);
    return 2;
  }
  const width = Math.max('repository'.length, ...names.map((name) => name.length));
  console.log(
    `${'repository'.padEnd(width)}  grading alone  npm test -- static  adds (npm's own)   ratio   (medians of ${RUNS} pair${RUNS === 1 ? '' : 's'} each)`,
  );
  const measured: { name: string; summary: PairSummary }[] = [];
  const failed: string[] = [];
  for (const name of names) {
    try {
      const summary = summarise(timePairs(join(corpus, name), RUNS));
      measured.push({ name, summary });
      const { gradingMs, suiteMs, addedMs, npmMs, ratio } = summary;
      console.log(
        `${name.padEnd(width)}  ${`${gradingMs} ms`.padStart(13)}  ${`${suiteMs} ms`.padStart(18)}  ` +
          `${`${addedMs} ms (${npmMs} ms)`.padStart(17)}  ${ratio.toFixed(3)}${ratio > TARGET_RATIO ? '  over' : ''}`,
      );
    } catch (error) {
      if (!(error instanceof RunFailed)) throw error;
      failed.push(name);
      const lines = error.message.split('\n').filter((line) => line.trim());
      console.log(`${name.padEnd(width)}  ${[lines[0], ...lines.slice(1).slice(-3)].join('\n    ')}`);
    }
  }
  if (measured.length === 0) {
    console.log(`corpus: ${corpus}: no repository measured`);
    return 1;
  }
  const over = measured.filter(({ summary }) => summary.ratio > TARGET_RATIO).map(({ name }) => name);
  const typicalSuiteMs = median(measured.map(({ summary }) => summary.suiteMs));
  const typicalRatio = median(measured.map(({ summary }) => summary.ratio));
  console.log(
    `corpus: ${corpus}, ${measured.length} repositories${failed.length ? ` (${failed.length} failed: ${failed.join(', ')})` : ''}`,
  );
  console.log(`ratio over the target in ${over.length} of ${measured.length}${over.length ? `: ${over.join(', ')}` : ''}`);
  console.log(
    `the typical repository (median of the repositories' medians): npm test -- static ${typicalSuiteMs} ms (${wallVerdict(typicalSuiteMs)})`,
  );
  console.log(`the typical repository: ${ratioText(typicalRatio)}`);
  return failed.length === 0 && meetsTargets(typicalSuiteMs, typicalRatio) ? 0 : 1;
}

function main(): number {
  const corpus = process.env.BENCH_CORPUS;
  if (corpus) {
    if (!isFolder(corpus)) {
      console.error(`bench:static-run: BENCH_CORPUS=${corpus} is not a folder (a folder of checkouts: helpers/corpus/materialise.sh)`);
      return 2;
    }
    return benchCorpus(resolve(corpus));
  }
  return benchOneRepository(process.env.IOT_REPO || join(PROJECT_ROOT, 'suites/fixtures/passing'));
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof RunFailed)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
