// The project's GitHub workflows: actionlint clean, ShellCheck clean in their scripts, and doing what the README promises.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';
import { describeFinding, lintWorkflow, lintWorkflows, workflowFiles } from './actionlint.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  env?: Record<string, string>;
  container?: { image: string };
  strategy?: { matrix: Record<string, unknown[]> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = (name: string): Workflow => parse(readFileSync(join(PROJECT_ROOT, '.github/workflows', name), 'utf8')) as Workflow;
const steps = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((job) => job.steps);
const scripts = (wf: Workflow): string =>
  steps(wf)
    .map((step) => step.run ?? '')
    .join('\n');

describe('actionlint', () => {
  it('finds nothing in .github/workflows', async () => {
    const files = await workflowFiles(PROJECT_ROOT);
    expect(files.map((file) => file.slice(PROJECT_ROOT.length + 1))).toEqual(['.github/workflows/ci.yml', '.github/workflows/nightly.yml']);
    expect((await lintWorkflows(PROJECT_ROOT)).map(describeFinding)).toEqual([]);
  });

  it('reports a broken workflow, with its line', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo ${{ github.evnt_name }}',
      '      - uses: actions/checkout',
      '        if: ${{ matrix.node }}',
    ].join('\n');
    const findings = await lintWorkflow(broken, 'broken.yml');
    expect(findings.map((finding) => finding.line)).toEqual(expect.arrayContaining([6, 7, 8]));
    expect(findings.find((finding) => finding.line === 6)?.message).toContain('evnt_name');
  });
});

describe("ShellCheck on the workflows' run: scripts", () => {
  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;

  it('finds no warning', ({ skip }) => {
    if (!shellcheck) {
      if (process.env.CI) throw new Error('shellcheck is missing: CI must install it (apt-get install -y shellcheck)');
      skip('skipped: shellcheck is not installed (apt-get install -y shellcheck)');
    }
    for (const name of ['ci.yml', 'nightly.yml'])
      for (const step of steps(workflow(name)).filter((s) => s.run)) {
        // As actionlint does: an expression becomes a plain word before ShellCheck reads the script.
        const script = `#!/bin/bash\n${step.run!.replace(/\$\{\{[^}]*\}\}/g, '_expr_')}`;
        const result = spawnSync('shellcheck', ['--severity=warning', '--format=gcc', '-'], { input: script, encoding: 'utf8' });
        expect(result.stdout, `${name}: ${step.name ?? step.run}`).toBe('');
      }
  });

  it('would report a broken script', ({ skip }) => {
    if (!shellcheck) skip('skipped: shellcheck is not installed');
    const result = spawnSync('shellcheck', ['--severity=warning', '--format=gcc', '-'], {
      input: '#!/bin/bash\nfor f in $(ls *.yml); do echo $f; done\nunset x; [ $x == 1 ]\ncd /tmp\n',
      encoding: 'utf8',
    });
    expect(result.stdout).toContain('warning');
  });
});

describe('ci.yml', () => {
  const ci = workflow('ci.yml');
  const job = Object.values(ci.jobs)[0]!;

  it('runs on every push, on Node 22 and 24', () => {
    expect(Object.keys(ci.on)).toContain('push');
    expect(job.strategy?.matrix.node).toEqual(['22', '24']);
    expect(job.container?.image).toBe('node:${{ matrix.node }}-bookworm');
  });

  it("installs ShellCheck and Chromium, then runs the README's commands", () => {
    const run = scripts(ci);
    expect(run).toMatch(/apt-get install .*shellcheck/);
    expect(run).toMatch(/apt-get install .*chromium/);
    const commands = job.steps.map((step) => step.run?.trim()).filter(Boolean);
    expect(commands.indexOf('npm ci')).toBeLessThan(commands.indexOf('npm test'));
    expect(commands.indexOf('npm ci')).toBeGreaterThanOrEqual(0);
  });
});

describe('nightly.yml', () => {
  const nightly = workflow('nightly.yml');

  it('runs every night with live checks required', () => {
    expect(Object.keys(nightly.on)).toEqual(expect.arrayContaining(['schedule', 'workflow_dispatch']));
    expect(nightly.env?.IOT_LIVE).toBe('1');
  });

  it('grades Part 3 with pinned k3d and kubectl, and Parts 1 and 2 through vagrant-libvirt on KVM', () => {
    const part3 = nightly.jobs.part3!;
    expect(part3.env?.K3D_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(part3.env?.KUBECTL_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(part3.steps.map((step) => step.run?.trim())).toContain('npm test -- p3');

    const vagrant = nightly.jobs['vagrant-parts']!;
    expect(vagrant.strategy?.matrix.part).toEqual(['p1', 'p2']);
    expect(vagrant.env?.VAGRANT_DEFAULT_PROVIDER).toBe('libvirt');
    const run = vagrant.steps.map((step) => step.run ?? '').join('\n');
    expect(run).toContain('/dev/kvm');
    expect(run).toContain('vagrant plugin install vagrant-libvirt');
    expect(vagrant.steps.map((step) => step.run?.trim())).toContain('npm test -- ${{ matrix.part }}');
  });

  it('Part 3 needs no secret: without IOT_P3_REPO_URL it serves manifests/p3/app itself, before grading', () => {
    const part3 = nightly.jobs.part3!;
    expect(part3.env?.IOT_P3_REPO_URL).toBeUndefined();
    expect(part3.env?.P3_REPO_SECRET).toBe('${{ secrets.IOT_P3_REPO_URL }}');
    const runs = part3.steps.map((step) => step.run ?? '');
    const choose = runs.findIndex((run) => run.includes('serve-repository.ts manifests/p3/app app'));
    expect(choose).toBeGreaterThan(0);
    expect(runs[choose]).toContain('IOT_P3_REPO_URL=${url}" >> "$GITHUB_ENV"');
    expect(runs[choose]).toContain('IOT_P3_REPO_URL=${P3_REPO_SECRET}" >> "$GITHUB_ENV"');
    expect(choose).toBeLessThan(runs.findIndex((run) => run.trim() === 'npm test -- p3'));
  });

  it('uploads the reports of every job whatever the outcome', () => {
    for (const [name, job] of Object.entries(nightly.jobs)) {
      const upload = job.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
      expect(upload, name).toBeDefined();
      expect(upload?.if, name).toBe('always()');
      expect(upload?.with?.path, name).toBe('reports/');
    }
  });
});

describe('every workflow', () => {
  it('pins each action to a major version or a commit', () => {
    for (const name of ['ci.yml', 'nightly.yml'])
      for (const step of steps(workflow(name)).filter((s) => s.uses))
        expect(step.uses, name).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
  });
});
