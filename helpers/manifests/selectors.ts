// Label selectors, evaluated the way the API server and controllers do.
import { isRecord } from './kinds.ts';

export type Labels = Record<string, string>;

/** A map of string labels from plain data (non-string values are left out). */
export function labelsOf(value: unknown): Labels {
  if (!isRecord(value)) return {};
  const labels: Labels = {};
  for (const [key, item] of Object.entries(value))
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') labels[key] = String(item);
  return labels;
}

/** An equality selector (a Service's spec.selector, a ReplicationController's): every pair must be present. */
export function matchesMap(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** A LabelSelector (matchLabels and matchExpressions). An empty selector matches everything. */
export function matchesLabelSelector(selector: unknown, labels: Labels): boolean {
  if (!isRecord(selector)) return false;
  if (!matchesMap(labelsOf(selector.matchLabels), labels)) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return expressions.every((expression) => {
    if (!isRecord(expression) || typeof expression.key !== 'string') return false;
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const has = Object.hasOwn(labels, expression.key);
    switch (expression.operator) {
      case 'In':
        return has && values.includes(labels[expression.key]);
      case 'NotIn':
        return !has || !values.includes(labels[expression.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** True when a LabelSelector selects nothing in particular (no matchLabels, no matchExpressions). */
export function isEmptyLabelSelector(selector: unknown): boolean {
  if (!isRecord(selector)) return true;
  const labels = isRecord(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0;
  return labels + expressions === 0;
}
