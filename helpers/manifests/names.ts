// The name rules the Kubernetes API server applies (k8s.io/apimachinery/pkg/util/validation),
// each returning the problem in the API server's words, or undefined when the value is accepted.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

export function dns1123Label(value: string): string | undefined {
  if (value.length > 63) return `"${value}" is longer than 63 characters`;
  if (!DNS1123_LABEL.test(value))
    return `"${value}" is not a valid DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit`;
  return undefined;
}

export function dns1123Subdomain(value: string): string | undefined {
  if (value.length > 253) return `"${value}" is longer than 253 characters`;
  if (!DNS1123_SUBDOMAIN.test(value))
    return `"${value}" is not a valid DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`;
  return undefined;
}

export function dns1035Label(value: string): string | undefined {
  if (value.length > 63) return `"${value}" is longer than 63 characters`;
  if (!DNS1035_LABEL.test(value))
    return `"${value}" is not a valid DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit`;
  return undefined;
}

/** RBAC objects and a few others only forbid what cannot appear in a URL path segment. */
export function pathSegmentName(value: string): string | undefined {
  if (value === '.' || value === '..') return `"${value}" may not be "." or ".."`;
  if (/[/%]/.test(value)) return `"${value}" may not contain "/" or "%"`;
  return undefined;
}

export function checkName(value: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'dns1123-subdomain':
      return dns1123Subdomain(value);
    case 'dns1123-label':
      return dns1123Label(value);
    case 'dns1035-label':
      return dns1035Label(value);
    case 'path-segment':
      return pathSegmentName(value);
  }
}

/** The rule metadata.name follows for a kind, as the API server's validation picks it. */
export function nameRuleOf(apiVersion: string, kind: string): NameRule {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  if (kind === 'Service' && group === '') return 'dns1035-label';
  if (kind === 'Namespace' && group === '') return 'dns1123-label';
  if (group === 'rbac.authorization.k8s.io') return 'path-segment';
  return 'dns1123-subdomain';
}

/**
 * A label or annotation key: an optional DNS-subdomain prefix and "/", then a name of at most 63
 * characters; the prefix and the name are each checked, as apimachinery's IsQualifiedName does
 * (k8s.io/apimachinery/pkg/util/validation/validation.go). Returns what is wrong with it (to follow
 * `invalid label key "…": `).
 */
export function qualifiedName(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'it has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  const problems: string[] = [];
  if (prefix !== undefined) {
    if (prefix.length === 0) problems.push('the prefix before "/" is empty');
    else if (prefix.length > 253) problems.push('the prefix before "/" is longer than 253 characters');
    else if (!DNS1123_SUBDOMAIN.test(prefix))
      problems.push('the prefix before "/" must be a DNS subdomain (lowercase letters, digits, "-" and ".")');
  }
  if (name === undefined || name.length === 0) problems.push('the name is empty');
  else if (name.length > 63) problems.push('the name is longer than 63 characters');
  else if (!QUALIFIED_NAME.test(name))
    problems.push(
      prefix === undefined
        ? 'use letters, digits, "-", "_" and ".", starting and ending with a letter or digit (and an optional prefix such as app.kubernetes.io/)'
        : 'the name after "/" must use letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
    );
  return problems.length ? problems.join('; ') : undefined;
}

/** What is wrong with a label value (to follow `invalid label value "…": `). */
export function labelValue(value: string): string | undefined {
  if (value.length > 63) return 'it is longer than 63 characters';
  if (!LABEL_VALUE.test(value))
    return 'use letters, digits, "-", "_" and ".", starting and ending with a letter or digit (or leave it empty)';
  return undefined;
}

/** A port name (containerPort name, Service port name): IANA_SVC_NAME. */
export function portName(value: string): string | undefined {
  if (value.length > 15) return `port name "${value}" is longer than 15 characters`;
  if (!IANA_SVC_NAME.test(value))
    return `port name "${value}" may hold only lowercase letters, digits and "-", starting and ending with a letter or digit`;
  if (value.includes('--')) return `port name "${value}" may not contain "--"`;
  if (!/[a-z]/.test(value)) return `port name "${value}" must contain at least one letter`;
  return undefined;
}
