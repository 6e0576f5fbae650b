// Self-test helper: the boot plan of Part 3 for a handful of files, read as a target in the subject layout.
import { subjectLayout } from '../target/layout.ts';
import { Target, type TargetFile } from '../target/repository.ts';
import { planScripts, type ScriptPlan } from './setup-scripts.ts';

export const p3File = (path: string, text: string): TargetFile => ({ path, size: text.length, text, part: 'p3' });

export const planOf = (files: TargetFile[], override: string[] = []): Promise<ScriptPlan> =>
  planScripts(new Target('/nonexistent-target', subjectLayout(), files), 'p3', override);
