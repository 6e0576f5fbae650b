/** Whether a vitest run with these arguments grades the static suites once, with no watcher. */
export function runsStaticSuitesOnce(args: readonly string[], staticSuites: readonly string[]): boolean;
