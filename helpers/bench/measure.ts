// What every benchmark reports: the median of its runs, and whether it met its target.
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const verdict = (ok: boolean): string => (ok ? 'ok' : 'OVER TARGET');
