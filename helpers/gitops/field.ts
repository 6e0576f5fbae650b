// A value a check needs, with where it is written and the placeholders it still holds.
import type { Location } from '../target/location.ts';
import { formatPath } from '../manifests/field-path.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { Word } from '../shell/model.ts';
import { placeholdersIn } from './argv.ts';

export interface Field {
  value: string;
  location: Location;
  /** Placeholders left unresolved in the value ("${REPO_URL}"). */
  unresolved: string[];
}

export const fieldOfWord = (word: Word, location: Location): Field => ({
  value: word.value,
  location,
  unresolved: placeholdersIn(word.value, word.unresolved),
});

/** Reads a scalar at `path` inside an object's body; numbers and booleans are given as text. */
export function fieldOf(object: ManifestObject, path: ReadonlyArray<string | number>): Field | undefined {
  let node: unknown = object.body;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (typeof node !== 'string' && typeof node !== 'number' && typeof node !== 'boolean') return undefined;
  const value = String(node);
  const listed = object.unresolved[formatPath(path)] ?? [];
  return {
    value,
    location: { file: object.location.file, line: object.lineOf(path) ?? object.location.line },
    unresolved: placeholdersIn(value, listed),
  };
}

/** A place for a message: "p3/confs/app.yaml:12". */
export { formatLocation as where } from '../target/location.ts';

/** Plain-data access to a nested value of a body. */
export function dig(node: unknown, ...path: Array<string | number>): unknown {
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
