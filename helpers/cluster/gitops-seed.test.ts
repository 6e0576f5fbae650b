import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../config/env.ts';
import { subjectLayout } from '../target/layout.ts';
import { openTarget, Target, type TargetFile } from '../target/repository.ts';
import { appManifestsFromTarget } from './parts/gitops-loop.ts';

const kinds = (text: string) =>
  parseAllDocuments(text).map(
    (d) =>
      (d.toJS() as { kind: string; metadata?: { name?: string } }).kind +
      '/' +
      (d.toJS() as { metadata?: { name?: string } }).metadata?.name,
  );

describe('seeding the suite git server with the target app manifests', () => {
  test('the passing fixture: the folder of the v1 Deployment, Deployment and Service', async () => {
    const target = await openTarget(resolve(PROJECT_ROOT, 'suites/fixtures/passing'));
    const seed = appManifestsFromTarget(target, 'p3');
    expect(seed?.folder).toBe('p3/confs/app');
    expect(Object.keys(seed!.files)).toEqual(['deployment.yaml']);
    expect(kinds(seed!.files['deployment.yaml']!)).toEqual(['Deployment/playground', 'Service/playground']);
    expect(seed!.files['deployment.yaml']).toContain('image: wil42/playground:v1');
  });

  test("Argo CD's own objects and objects for other namespaces stay out", () => {
    const file = (path: string, text: string): TargetFile => ({ path, size: text.length, text, part: 'p3' });
    const target = new Target('/nowhere', subjectLayout(), [
      file(
        'p3/confs/all.yaml',
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: argocd\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: dev\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: "wil42/playground:v2"\n',
      ),
      file('p3/confs/ingress.yaml', 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: argocd\n  namespace: argocd\n'),
      file('p3/confs/notes.txt', 'kind: Deployment'),
    ]);
    const seed = appManifestsFromTarget(target, 'p3');
    expect(seed?.folder).toBe('p3/confs');
    expect(Object.keys(seed!.files)).toEqual(['all.yaml']);
    expect(kinds(seed!.files['all.yaml']!)).toEqual(['Namespace/dev', 'Deployment/web']);
  });

  test('no Deployment with a v<N> tag: nothing to seed from the target', () => {
    const target = new Target('/nowhere', subjectLayout(), [
      {
        path: 'p3/confs/d.yaml',
        size: 1,
        part: 'p3',
        text: 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: nginx:1.27\n',
      },
    ]);
    expect(appManifestsFromTarget(target, 'p3')).toBeUndefined();
  });
});
