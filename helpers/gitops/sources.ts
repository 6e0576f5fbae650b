// Where the Part 3 and bonus checks get their facts: the shell, manifest and login modules.
// The checks take these as one value so that self-tests can hand them facts built by hand.
import type { GradingContext } from '../target/grading-context.ts';
import type { ManifestObject } from '../manifests/model.ts';
import type { ScriptFacts } from '../shell/model.ts';
import type { SubjectPart } from '../target/layout.ts';

/** A schema finding on one object: what is wrong, and the line when known. */
export interface SchemaProblem {
  message: string;
  line?: number;
}

/** A kustomization of the part, as written (not built). */
export interface KustomizationInfo {
  /** The kustomization file, relative to the target root. */
  file: string;
  /** Its `namespace:`, which kustomize sets on every object it builds. */
  namespace?: string;
  /** Local resource files it includes (through the kustomizations it includes too). */
  resourceFiles: string[];
  /** Remote resources (URLs): not fetched, each counts as what it names. */
  remote: Array<{ url: string; line?: number }>;
}

export interface TeamLogins {
  logins: string[];
  /** Where they came from, in words (IOT_LOGIN, the Part 1 server name …). */
  source: string;
}

export interface GitopsSources {
  scripts(ctx: GradingContext, part: SubjectPart): Promise<ScriptFacts[]>;
  objects(ctx: GradingContext, part: SubjectPart): Promise<ManifestObject[]>;
  validate(object: ManifestObject): SchemaProblem[] | Promise<SchemaProblem[]>;
  kustomizations(ctx: GradingContext, part: SubjectPart): Promise<KustomizationInfo[]>;
  logins(ctx: GradingContext): Promise<TeamLogins>;
}
