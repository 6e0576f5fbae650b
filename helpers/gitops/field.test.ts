import { describe, expect, it } from 'vitest';
import type { ManifestObject } from '../manifests/model.ts';
import { fieldOf } from './field.ts';

const object = (unresolved: Record<string, string[]>): ManifestObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: 'app',
  body: { spec: { template: { spec: { containers: [{ image: 'wil42/playground:v1' }] } } } },
  origin: 'script',
  location: { file: 'p3/scripts/setup.sh', line: 4 },
  lineOf: () => undefined,
  unresolved,
});

describe('fieldOf', () => {
  const path = ['spec', 'template', 'spec', 'containers', 0, 'image'];

  it('names the placeholders recorded under the field path as formatPath writes it', () => {
    const field = fieldOf(object({ 'spec.template.spec.containers[0].image': ['$(git describe)'] }), path);
    expect(field).toEqual({
      value: 'wil42/playground:v1',
      location: { file: 'p3/scripts/setup.sh', line: 4 },
      unresolved: ['$(git describe)'],
    });
  });

  it('reads no other spelling of the path', () => {
    expect(fieldOf(object({ 'spec.template.spec.containers.0.image': ['$(git describe)'] }), path)?.unresolved).toEqual([]);
  });
});
