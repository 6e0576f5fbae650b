// The suite's configuration: environment variables, with .env at the project root as defaults.
// Every value is validated here once; a bad one stops the run with one line naming it.
import { config as loadDotenv } from 'dotenv';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type KeepPolicy = 'never' | 'on-failure' | 'always';

export interface Config {
  /** The checkout to grade (absolute). */
  repo: string;
  /** Team logins, when given; empty means infer them from the machine names. */
  logins: string[];
  /** The grading date (box end-of-life), YYYY-MM-DD. */
  date: string;
  /** Where to write the JSON report, if anywhere (absolute). */
  report?: string;
  /** Folder for grading.md / grading.html / junit.xml and live evidence (absolute). */
  reportsDir: string;
  /** A missing live tool is a failure rather than a skip. */
  live: boolean;
  keep: KeepPolicy;
  /** Per-phase budgets of live runs, in seconds. */
  bootTimeout: number;
  assertTimeout: number;
  /** P3: also wait for Argo CD's own polling (no refresh annotation). */
  p3Poll: boolean;
  /** P3: also push the v1 → v2 commit to the real GitHub repository. */
  p3Push: boolean;
  /** P3 live boot: the scripts to run, in order, relative to the target root (IOT_P3_SETUP); heuristic when absent. */
  p3Setup?: string[];
  /** Bonus live boot: likewise (IOT_BONUS_SETUP). */
  bonusSetup?: string[];
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** A comma-separated list of scripts inside the target (relative paths that exist). */
function scriptList(env: Env, name: string, repo: string): string[] | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  const paths = value
    .split(',')
    .map((path) => path.trim().replace(/\\/g, '/').replace(/^\.\//, ''))
    .filter(Boolean);
  for (const path of paths) {
    if (isAbsolute(path) || path.split('/').includes('..'))
      throw new ConfigError(
        `${name}=${value}: "${path}" must be a path inside the graded repository, relative to its root (such as p3/scripts/setup.sh)`,
      );
    if (!existsSync(resolve(repo, path))) throw new ConfigError(`${name}=${value}: ${path} does not exist in ${repo}`);
  }
  return paths;
}

const LOGIN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

function flag(env: Env, name: string): boolean {
  const value = env[name];
  if (value === undefined || value === '') return false;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new ConfigError(`${name}=${value}: expected 1 or 0 (true/false)`);
}

function seconds(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name}=${value}: expected a whole number of seconds greater than 0`);
  return n;
}

function isoDate(value: string, name: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw new ConfigError(`${name}=${value}: expected a real date written YYYY-MM-DD, such as 2026-11-26`);
  return value;
}

/** Builds the configuration from an environment (process.env by default, after .env). */
export function readConfig(env: Env = process.env, today: Date = new Date()): Config {
  const repoValue = env.IOT_REPO?.trim() || PROJECT_ROOT;
  const repo = isAbsolute(repoValue) ? repoValue : resolve(PROJECT_ROOT, repoValue);
  if (!existsSync(repo)) throw new ConfigError(`IOT_REPO=${repoValue}: no such directory; point it at the checkout to grade`);

  const logins = (env.IOT_LOGIN ?? '')
    .split(',')
    .map((login) => login.trim())
    .filter(Boolean);
  const bad = logins.find((login) => !LOGIN.test(login));
  if (bad !== undefined)
    throw new ConfigError(`IOT_LOGIN=${env.IOT_LOGIN}: "${bad}" is not a login; expected a 42 login or a comma-separated team (alice,bob)`);

  const keep = (env.IOT_KEEP || 'on-failure') as KeepPolicy;
  if (!['never', 'on-failure', 'always'].includes(keep))
    throw new ConfigError(`IOT_KEEP=${env.IOT_KEEP}: expected never, on-failure or always`);

  const reportValue = env.IOT_REPORT?.trim();
  return {
    repo,
    logins,
    date: env.IOT_DATE ? isoDate(env.IOT_DATE, 'IOT_DATE') : today.toISOString().slice(0, 10),
    report: reportValue ? resolve(process.cwd(), reportValue) : undefined,
    reportsDir: resolve(PROJECT_ROOT, env.IOT_REPORTS_DIR?.trim() || 'reports'),
    live: flag(env, 'IOT_LIVE'),
    keep,
    bootTimeout: seconds(env, 'IOT_BOOT_TIMEOUT', 1800),
    assertTimeout: seconds(env, 'IOT_ASSERT_TIMEOUT', 300),
    p3Poll: flag(env, 'IOT_P3_POLL'),
    p3Push: flag(env, 'IOT_P3_PUSH'),
    p3Setup: scriptList(env, 'IOT_P3_SETUP', repo),
    bonusSetup: scriptList(env, 'IOT_BONUS_SETUP', repo),
  };
}

let cached: Config | undefined;

/** The configuration of this run: .env loaded once (real environment variables win). */
export function config(): Config {
  if (!cached) {
    loadDotenv({ path: resolve(PROJECT_ROOT, '.env'), quiet: true });
    cached = readConfig();
  }
  return cached;
}
