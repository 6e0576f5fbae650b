import { describe, expect, it } from 'vitest';
import { gradeRun, gradingSpec, type TestOutcome } from './grade.ts';
import { sampleRun } from './sample-run.ts';

const test = (file: string, title: string, state: TestOutcome['state'], extra: Partial<TestOutcome> = {}): TestOutcome => ({
  title,
  file,
  state,
  errors: [],
  durationMs: 1,
  ...extra,
});

describe('gradeRun', () => {
  it('turns a grading test with meta into a row with its catalog entry', () => {
    const { checks } = gradeRun({
      problems: [],
      tests: [
        test('suites/p3/static.test.ts', 'P3-K3D: x', 'passed', {
          meta: { id: 'P3-K3D', status: 'pass', message: 'found k3d cluster create', locations: [{ file: 'p3/scripts/a.sh', line: 3 }] },
        }),
      ],
    });
    expect(checks.map((check) => check.row)).toEqual([
      {
        id: 'P3-K3D',
        part: 'p3',
        severity: 'required',
        title: 'the scripts create a K3d cluster',
        tier: 'static',
        status: 'pass',
        message: 'found k3d cluster create',
        locations: [{ file: 'p3/scripts/a.sh', line: 3 }],
      },
    ]);
  });

  it('fails the grade (exit 1) when a required check fails, with its message and fix', () => {
    const grading = gradeRun({
      problems: [],
      tests: [
        test('suites/p2/static.test.ts', 'P2-APP2-REPLICAS: x', 'failed', {
          errors: ['expected fail to be pass'],
          meta: { id: 'P2-APP2-REPLICAS', status: 'fail', message: 'app2 has 1 replica', fix: 'set spec.replicas: 3', locations: [] },
        }),
      ],
    });
    expect(grading.gradeFailed).toBe(true);
    expect(grading.exitCode).toBe(1);
    expect(grading.checks[0]?.row).toMatchObject({ status: 'fail', message: 'app2 has 1 replica', fix: 'set spec.replicas: 3' });
  });

  it('keeps exit 0 when only advised and practice checks fail, and still counts them', () => {
    const grading = gradeRun({
      problems: [],
      tests: [
        test('suites/p1/static.test.ts', 'P1-RESOURCES: x', 'failed', { errors: ['no memory set'] }),
        test('suites/p1/static.test.ts', 'P1-NODE-IP: x', 'failed', { errors: ['no --node-ip'] }),
        test('suites/p1/static.test.ts', 'P1-MACHINES: x', 'passed'),
      ],
    });
    expect(grading.gradeFailed).toBe(false);
    expect(grading.exitCode).toBe(0);
    expect(grading.total).toEqual({ passed: 1, failed: 2, skipped: 0 });
    expect(grading.parts).toEqual([{ part: 'p1', tally: { passed: 1, failed: 2, skipped: 0 } }]);
  });

  it('reads a grading test without meta from its title, vitest state and error message (colors removed)', () => {
    const { checks } = gradeRun({
      problems: [],
      tests: [
        test('suites/p1/static.test.ts', 'P1-NAMES: names', 'failed', { errors: ['\u001b[31mexpected wilSw to be wilSW\u001b[39m'] }),
        test('suites/p1/live.test.ts', 'P1L-UP: up', 'skipped', { note: 'skipped: vagrant is not installed' }),
        test('suites/p1/static.test.ts', 'P1-IPS: ips', 'passed'),
      ],
    });
    expect(checks.map(({ row }) => [row.id, row.status, row.message])).toEqual([
      ['P1-NAMES', 'fail', 'expected wilSw to be wilSW'],
      ['P1-IPS', 'pass', '<login>S has 192.168.56.110 and <login>SW has 192.168.56.111'],
      ['P1L-UP', 'skip', 'skipped: vagrant is not installed'],
    ]);
  });

  it("treats tests outside the parts' suites as self-tests, whose failure fails the run", () => {
    const grading = gradeRun({
      problems: [],
      tests: [
        test('helpers/catalog/catalog.test.ts', 'P3-K3D: is in the catalog', 'failed', { errors: ['boom'] }),
        test('suites/p3/static.test.ts', 'NOT-A-CHECK: x', 'passed'),
        test('suites/p3/static.test.ts', 'P3-K3D: x', 'passed'),
      ],
    });
    expect(grading.checks.map(({ row }) => row.id)).toEqual(['P3-K3D']);
    expect(grading.selfTests.map((self) => [self.title, self.status, self.message])).toEqual([
      ['P3-K3D: is in the catalog', 'fail', 'boom'],
      ['NOT-A-CHECK: x', 'pass', ''],
    ]);
    expect(grading.gradeFailed).toBe(false);
    expect(grading.exitCode).toBe(1);
  });

  it('fails the run, and calls the grade incomplete, when a file did not load or the run was interrupted', () => {
    const grading = gradeRun({
      problems: ['suites/p2/static.test.ts: SyntaxError'],
      tests: [test('suites/p2/static.test.ts', 'P2-MACHINE: x', 'passed')],
    });
    expect(grading.exitCode).toBe(1);
    expect(grading.verdict).toBe('incomplete');
    expect(gradeRun({ problems: ['x'], tests: [] }).verdict).toBe('incomplete');
    expect(gradeRun({ problems: [], tests: [] }).verdict).toBe('none');
  });

  it("takes the check's own verdict when its meta disagrees with a passing test, and the worst of two tests of one ID", () => {
    const { checks } = gradeRun({
      problems: [],
      tests: [
        test('suites/p3/static.test.ts', 'P3-AUTOSYNC: x', 'passed', {
          meta: { id: 'P3-AUTOSYNC', status: 'fail', message: 'automated is disabled', fix: 'enable it', locations: [] },
        }),
        test('suites/p3/static.test.ts', 'P3-IMAGE: a', 'passed'),
        test('suites/p3/static.test.ts', 'P3-IMAGE: b', 'failed', { errors: ['tag latest'] }),
        test('suites/p3/static.test.ts', 'P3-IMAGE: c', 'skipped'),
      ],
    });
    expect(checks.map(({ row }) => [row.id, row.status, row.message])).toEqual([
      ['P3-AUTOSYNC', 'fail', 'automated is disabled'],
      ['P3-IMAGE', 'fail', 'tag latest'],
    ]);
  });

  it('says why a test did not run, and leaves out the checks filtered out with -t', () => {
    const grading = gradeRun({
      problems: ['x'],
      tests: [
        test('suites/p3/live.test.ts', 'P3L-V1: x', 'pending'),
        test('suites/p3/live.test.ts', 'P3L-ROLLBACK: x', 'skipped'),
        test('suites/p3/live.test.ts', 'P3L-SELF-HEAL: x', 'skipped', { notRun: true }),
        test('suites/p3/live.test.ts', 'P3L-SYNCED: x', 'skipped', { notRun: true, note: 'skipped: docker is missing' }),
      ],
    });
    expect(grading.checks.map(({ row }) => [row.id, row.message])).toEqual([
      ['P3L-SYNCED', 'skipped: docker is missing'],
      ['P3L-V1', 'not run: the run stopped before this test (see the run errors)'],
      ['P3L-ROLLBACK', 'skipped'],
    ]);
    expect(grading.total.skipped).toBe(4);
  });

  it('orders checks as the catalog does and parts as the evaluation sheet does', () => {
    const grading = gradeRun(sampleRun());
    expect(grading.checks.map(({ row }) => row.id)).toEqual([
      'G-LAYOUT',
      'P1-NAMES',
      'P1-NODE-IP',
      'P1L-UP',
      'P3-K3D',
      'P3L-V1',
      'P3L-V1-TO-V2',
    ]);
    expect(grading.parts.map(({ part }) => part)).toEqual(['general', 'p1', 'p3']);
    expect(grading.checks.find(({ row }) => row.id === 'P3L-V1-TO-V2')?.row.timings).toEqual({
      commit: 150,
      'wait-for-v2': 300_000,
      evidence: 900,
    });
  });
});

describe('gradingSpec', () => {
  it("accepts a meta-carrying test anywhere, and a title with a catalog ID only in a part's suite", () => {
    expect(
      gradingSpec(test('x/y.test.ts', 'anything', 'passed', { meta: { id: 'B-GITLAB', status: 'pass', message: '', locations: [] } }))
        ?.part,
    ).toBe('bonus');
    expect(gradingSpec(test('suites/bonus/static.test.ts', 'B-GITLAB: x', 'passed'))?.id).toBe('B-GITLAB');
    expect(gradingSpec(test('suites/fixtures.test.ts', 'B-GITLAB: x', 'passed'))).toBeUndefined();
    expect(gradingSpec(test('suites/bonus/static.test.ts', 'B-GITLAB x', 'passed'))).toBeUndefined();
  });
});
