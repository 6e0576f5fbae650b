/** Whether a vitest run with these arguments grades the static suites once, with no watcher. */
export function runsStaticSuitesOnce(args: readonly string[], staticSuites: readonly string[]): boolean;

/** Whether every test file a vitest run with these arguments selects is a static suite. */
export function runsOnlyStaticSuites(args: readonly string[], testFiles: readonly string[], staticSuites: readonly string[]): boolean;
