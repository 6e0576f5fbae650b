import { expect, test } from 'vitest';
import { objectsOf } from './part-objects.ts';
import { tempRepository } from './testing.ts';

test("the part's objects: the declared ones in file order, then those its scripts create, computed once", async () => {
  const repository = await tempRepository({
    'p3/confs/a.yaml':
      'apiVersion: v1\nkind: Service\nmetadata: {name: one}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n',
    'p3/scripts/setup.sh': '#!/bin/bash\nkubectl create namespace dev\n',
  });
  const objects = await objectsOf(repository.ctx, 'p3');
  expect(objects.map((object) => `${object.origin} ${object.kind} ${object.name} ${object.location.file}:${object.location.line}`)).toEqual(
    ['yaml Service one p3/confs/a.yaml:1', 'yaml ConfigMap two p3/confs/a.yaml:5', 'script Namespace dev p3/scripts/setup.sh:2'],
  );
  expect(await objectsOf(repository.ctx, 'p3')).toBe(objects);
});
