/** vitest's test files under `root` (suites/ and helpers/, but the fixtures), relative to it, with `/` between folders. */
export function testFilesOf(root: string): string[];

/** The static suites among test files: suites/<part>/static.test.ts. */
export function staticSuitesAmong(testFiles: readonly string[]): string[];

/** Whether a vitest run with these arguments grades the static suites once, with no watcher. */
export function runsStaticSuitesOnce(args: readonly string[], staticSuites: readonly string[]): boolean;

/** Whether every test file a vitest run with these arguments selects is a static suite. */
export function runsOnlyStaticSuites(args: readonly string[], testFiles: readonly string[], staticSuites: readonly string[]): boolean;

/** Starts a command; with `waiting`, every thread of it at the lowest priority (through nice(1)), this process keeping its own. */
export function startAtPriority(
  command: string,
  args: readonly string[],
  how: { options: import('node:child_process').SpawnOptions; waiting: boolean },
): import('node:child_process').ChildProcess;
