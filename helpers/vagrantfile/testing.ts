// Helpers for the self-tests of the Vagrantfile evaluator: small targets made from text.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TargetFile } from '../target/repository.ts';
import { evaluateVagrantfile, type EvaluateOptions } from './evaluate.ts';
import type { VagrantConfig, VagrantEvaluation } from './model.ts';

/** A target's files from path → text, as openTarget would read them. */
export const textFiles = (files: Record<string, string>): { files: TargetFile[] } => ({
  files: Object.entries(files).map(([path, text]) => ({ path, size: Buffer.byteLength(text), text })),
});

/** Evaluates `vagrantfile` as p1/Vagrantfile beside the other files. */
export function evaluateText(
  vagrantfile: string,
  others: Record<string, string> = {},
  options: EvaluateOptions = {},
): Promise<VagrantEvaluation> {
  return evaluateVagrantfile(textFiles({ 'p1/Vagrantfile': vagrantfile, ...others }), 'p1/Vagrantfile', options);
}

/** The configuration, or a test failure that shows why the evaluation failed. */
export function configOf(evaluation: VagrantEvaluation): VagrantConfig {
  if (!evaluation.ok) throw new Error(`expected the Vagrantfile to evaluate, got: ${evaluation.message}`);
  return evaluation.config;
}

export interface TempRepository {
  root: string;
  remove(): Promise<void>;
}

/** Writes a repository on disk: path → text, or { symlink: target }, or a Buffer. */
export async function writeRepository(files: Record<string, string | Buffer | { symlink: string }>): Promise<TempRepository> {
  const root = await mkdtemp(join(tmpdir(), 'iot-vagrant-test-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    if (typeof content === 'object' && !Buffer.isBuffer(content)) await symlink(content.symlink, full);
    else await writeFile(full, content);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
