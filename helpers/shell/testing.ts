// Test support: a grading context over a repository written to a temporary folder, and
// Vagrant machines built by hand.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GradingContext } from '../checks/context.ts';
import { readConfig } from '../config/env.ts';
import { openTarget } from '../target/repository.ts';
import type { VagrantMachine, VagrantProvisioner } from '../vagrantfile/model.ts';

export interface TempRepository {
  ctx: GradingContext;
  dispose(): Promise<void>;
}

/** Writes `files` (path → text or bytes) and opens them as a grading target. */
export async function tempRepository(files: Record<string, string | Uint8Array>): Promise<TempRepository> {
  const root = await mkdtemp(join(tmpdir(), 'iot-shell-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const config = readConfig({ IOT_REPO: root, IOT_DATE: '2026-01-15' });
  const ctx = new GradingContext(config, await openTarget(root));
  return { ctx, dispose: () => rm(root, { recursive: true, force: true }) };
}

export function shellProvisioner(fields: Partial<VagrantProvisioner> & { line: number; file?: string }): VagrantProvisioner {
  const { line, file = 'p1/Vagrantfile', ...rest } = fields;
  return { type: 'shell', env: {}, args: [], options: {}, location: { file, line }, ...rest };
}

export function machine(name: string, ip: string, provisioners: VagrantProvisioner[], extra: Partial<VagrantMachine> = {}): VagrantMachine {
  return {
    name,
    hostname: name,
    networks: [{ type: 'private_network', ip, options: {} }],
    providers: {},
    provisioners,
    location: { file: provisioners[0]?.location.file ?? 'p1/Vagrantfile', line: 1 },
    ...extra,
  };
}
