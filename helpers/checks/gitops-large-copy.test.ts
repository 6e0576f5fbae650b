// A committed copy of Argo CD's install manifest (about 2 MB) is over what the target reader
// keeps as text; it still counts as an Argo CD install.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { GradingContext } from '../target/grading-context.ts';
import { readConfig } from '../config/env.ts';
import { MAX_FILE_BYTES, openTarget } from '../target/repository.ts';
import { makeGitopsChecks } from './gitops-checks.ts';
import { fakeSources, script } from '../gitops/fake-facts.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const argocdServer = (tag: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: argocd-server
  labels: {app.kubernetes.io/part-of: argocd}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: argocd-server}}
  template:
    metadata: {labels: {app.kubernetes.io/name: argocd-server}}
    spec:
      containers:
        - name: argocd-server
          image: quay.io/argoproj/argocd:${tag}
`;

async function grade(tag: string, applied: string) {
  const dir = await mkdtemp(join(tmpdir(), 'iot-argocd-copy-'));
  dirs.push(dir);
  await mkdir(join(dir, 'p3/confs/argocd'), { recursive: true });
  await mkdir(join(dir, 'p3/scripts'), { recursive: true });
  const padding = `# ${'x'.repeat(78)}\n`.repeat(Math.ceil(MAX_FILE_BYTES / 80) + 10);
  await writeFile(join(dir, 'p3/confs/argocd/install.yaml'), `${padding}${argocdServer(tag)}`);
  await writeFile(join(dir, 'p3/scripts/setup.sh'), '#!/bin/bash\n');
  const ctx = new GradingContext(readConfig({ IOT_REPO: dir }), await openTarget(dir));
  expect(ctx.target.file('p3/confs/argocd/install.yaml')?.problem?.kind).toBe('too-large');
  const checks = makeGitopsChecks(
    fakeSources({
      parts: { p3: { scripts: [script('p3/scripts/setup.sh', ['kubectl create namespace argocd', `kubectl apply ${applied}`])] } },
    }),
  );
  return Promise.all((['P3-ARGOCD-INSTALL', 'P3-ARGOCD-PINNED', 'P3-IMAGE'] as const).map((id) => checks[id](ctx)));
}

test('a large copy applied into argocd, from a tagged release', async () => {
  const [install, pinned, image] = await grade('v3.1.5', '-n argocd -f /vagrant/confs/argocd/install.yaml');
  expect(install, install!.message).toMatchObject({ status: 'pass', message: expect.stringContaining('copy') });
  expect(pinned, pinned!.message).toMatchObject({ status: 'pass', message: expect.stringContaining('v3.1.5') });
  expect(image!.status, 'Argo CD is not the app').toBe('skip');
});

test('a large copy applied without a namespace, from master', async () => {
  const [install, pinned] = await grade('latest', '-f confs/argocd');
  expect(install).toMatchObject({ status: 'fail', message: expect.stringContaining('default namespace') });
  expect(pinned).toMatchObject({
    status: 'fail',
    message: expect.stringContaining('tagged latest'),
    locations: [{ file: 'p3/confs/argocd/install.yaml' }],
  });
});
