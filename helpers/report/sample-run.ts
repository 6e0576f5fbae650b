// A small run with every kind of result, for the self-tests of the reports (not a grading input).
import type { RunOutcome, TestOutcome } from './grade.ts';

const check = (file: string, title: string, state: TestOutcome['state'], extra: Partial<TestOutcome> = {}): TestOutcome => ({
  title,
  file,
  state,
  errors: [],
  durationMs: 12,
  ...extra,
});

export const SAMPLE_EVIDENCE = 'reports/p3/P3L-V1-TO-V2/argocd-application.yaml';

export function sampleRun(): RunOutcome {
  return {
    problems: [],
    tests: [
      check('suites/general/static.test.ts', 'G-LAYOUT: parts are present', 'passed', {
        meta: { id: 'G-LAYOUT', status: 'pass', message: 'p1, p2 and p3 are present', locations: [] },
      }),
      check('suites/p1/static.test.ts', 'P1-NAMES: machine names', 'failed', {
        errors: ['expected fail to be pass'],
        meta: {
          id: 'P1-NAMES',
          status: 'fail',
          message: 'the worker is named wilSw, expected wilSW (exact case)',
          fix: 'rename the worker to wilSW in config.vm.define and vm.hostname',
          locations: [{ file: 'p1/Vagrantfile', line: 14 }],
        },
      }),
      check('suites/p1/static.test.ts', 'P1-NODE-IP: node IP pinned', 'failed', {
        errors: ['expected fail to be pass'],
        meta: {
          id: 'P1-NODE-IP',
          status: 'fail',
          message: 'the agent install has no --node-ip or --flannel-iface',
          fix: 'add --node-ip=192.168.56.111 to INSTALL_K3S_EXEC',
          locations: [{ file: 'p1/scripts/agent.sh', line: 7 }],
        },
      }),
      check('suites/p1/live.test.ts', 'P1L-UP: vagrant up', 'skipped', {
        note: 'skipped: vagrant is not installed (set IOT_LIVE=1 to make this a failure)',
      }),
      check('suites/p3/static.test.ts', 'P3-K3D: k3d cluster', 'passed', {
        meta: { id: 'P3-K3D', status: 'pass', message: 'k3d cluster create iot', locations: [{ file: 'p3/scripts/setup.sh', line: 22 }] },
      }),
      check('suites/p3/live.test.ts', 'P3L-V1: answers v1', 'passed', {
        durationMs: 250_000,
        meta: {
          id: 'P3L-V1',
          status: 'pass',
          message: 'GET :8888 answered {"status":"ok", "message": "v1"}',
          locations: [],
          timings: { boot: 245_000, assert: 1_800 },
        },
      }),
      check('suites/p3/live.test.ts', 'P3L-V1-TO-V2: v1 to v2', 'failed', {
        durationMs: 301_000,
        errors: ['timed out'],
        meta: {
          id: 'P3L-V1-TO-V2',
          status: 'fail',
          message: 'the app still answered v1 after 300 s; the Application stayed at revision 3f2a1c0',
          fix: 'make the Application follow the branch you push to (spec.source.targetRevision: HEAD) and keep syncPolicy.automated',
          locations: [{ file: 'p3/confs/application.yaml', line: 9 }],
          timings: { commit: 150, 'wait-for-v2': 300_000, evidence: 900 },
          evidence: [SAMPLE_EVIDENCE],
        },
      }),
      check('helpers/report/example.test.ts', 'formats a duration', 'passed'),
    ],
  };
}
