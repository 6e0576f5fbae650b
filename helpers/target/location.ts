// A place in the target repository, as facts record it and checks and reports show it.

/** A place in the target, relative to its root; line is 1-based. */
export interface Location {
  file: string;
  line?: number;
}

/** `file:line`, or `file` when the line is unknown. */
export const formatLocation = (location: Location): string => (location.line ? `${location.file}:${location.line}` : location.file);
