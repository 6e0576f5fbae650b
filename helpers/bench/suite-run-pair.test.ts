import { availableParallelism } from 'node:os';
import { describe, expect, test } from 'vitest';
import { summarise, type Timing } from './suite-run-pair.ts';

const runs = (...pairs: [number, number?][]): Timing[] => pairs.map(([wallMs, processorMs]) => ({ wallMs, processorMs }));

describe('one repository: npm test -- static against the grading alone', () => {
  test('the ratio is of the medians; what npm test adds is the median of the paired differences', () => {
    const summary = summarise({
      suite: runs([1300, 2000], [1000, 1800], [1250, 1900]),
      grading: runs([900, 1200], [950, 1300], [1000, 1250]),
      npm: runs([150, 160], [140, 150], [145, 155]),
    });
    expect(summary).toMatchObject({ suiteMs: 1250, gradingMs: 950, npmMs: 145, addedMs: 250 });
    expect(summary.ratio).toBeCloseTo(1250 / 950);
    expect(summary.processor).toEqual({
      suiteMs: 1900,
      gradingMs: 1250,
      npmMs: 155,
      cores: availableParallelism(),
      shortestSuiteMs: Math.round(145 + (1900 - 155) / availableParallelism()),
    });
  });

  test('no processor times where one run has none', () => {
    const summary = summarise({ suite: runs([1300, 2000]), grading: runs([900]), npm: runs([150, 160]) });
    expect(summary.processor).toBeUndefined();
    expect(summary.ratio).toBeCloseTo(1300 / 900);
  });
});
