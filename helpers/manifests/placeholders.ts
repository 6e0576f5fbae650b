// Placeholders (${VAR}, ${VAR:-default}, $VAR) in manifest values, resolved from the target's
// .env the way envsubst would before kubectl reads the file.
import { parse } from 'yaml';
import { formatPath, type FieldPath } from './field-path.ts';
import { isRecord } from './kinds.ts';
import { YAML_OPTIONS } from './yaml-files.ts';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export interface Resolution {
  data: unknown;
  /** Placeholders left unresolved, by field path (spec.template.spec.containers[0].image). */
  unresolved: Record<string, string[]>;
}

/**
 * Replaces placeholders in every string value. A plain (unquoted) scalar that was entirely
 * resolved is read again as YAML, so `replicas: ${REPLICAS}` with REPLICAS=3 becomes the number 3.
 */
export function resolvePlaceholders(
  data: unknown,
  values: Record<string, string>,
  isPlain: (path: FieldPath) => boolean = () => false,
): Resolution {
  const unresolved: Record<string, string[]> = {};
  const walk = (value: unknown, path: Array<string | number>): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('$')) return value;
      const missing: string[] = [];
      const text = substitute(value, values, missing);
      if (missing.length) unresolved[formatPath(path)] = missing;
      if (text === value) return value;
      return missing.length === 0 && isPlain(path) ? rereadScalar(text) : text;
    }
    if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index]));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]));
    return value;
  };
  return { data: walk(data, []), unresolved };
}

export function substitute(text: string, values: Record<string, string>, missing: string[] = []): string {
  return text.replace(
    PLACEHOLDER,
    (whole, braced: string | undefined, operator: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      const value = values[name];
      if (operator === ':-' && !value) return fallback ?? '';
      if (operator === '-' && value === undefined) return fallback ?? '';
      if (value === undefined) {
        missing.push(whole);
        return whole;
      }
      return value;
    },
  );
}

function rereadScalar(text: string): unknown {
  try {
    const value: unknown = parse(text, YAML_OPTIONS);
    return value === null || typeof value !== 'object' ? value : text;
  } catch {
    return text;
  }
}
