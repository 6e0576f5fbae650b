// Serves a folder of this repository as a git repository over HTTP, for the nightly Part 3 run when no public
// GitHub repository is configured (the IOT_P3_REPO_URL secret): the reference Application then deploys from
// http://host.k3d.internal:<port>/<name>.git, which the k3d cluster reaches on the runner.
// Usage: node helpers/cluster/serve-repository.ts <folder> <path-in-repository> [--port N] [--public-host H] [--name N]
// Prints "serving <url>" once ready, then serves until SIGTERM/SIGINT.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ZxRunner } from './command-runner.ts';
import { startGitServer } from './git-server.ts';
import { GitWorkspace } from './git-workspace.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '9480' },
    'public-host': { type: 'string', default: 'host.k3d.internal' },
    name: { type: 'string', default: 'iot-playground' },
  },
});
const [folder, into] = positionals;
if (!folder || into === undefined) {
  process.stderr.write('usage: serve-repository.ts <folder> <path-in-repository> [--port N] [--public-host H] [--name N]\n');
  process.exit(2);
}

const tmp = await mkdtemp(join(tmpdir(), 'iot-serve-'));
const files: Record<string, string> = {};
for (const entry of await readdir(resolve(folder), { withFileTypes: true }))
  if (entry.isFile()) files[posix.join(into, entry.name)] = await readFile(join(resolve(folder), entry.name), 'utf8');
const workspace = await GitWorkspace.create({
  runner: new ZxRunner(),
  serverRoot: join(tmp, 'srv'),
  workDir: join(tmp, 'work'),
  name: values.name!,
});
await workspace.writeFiles(files);
await workspace.commit(`${folder} as ${into}/`);
const server = await startGitServer({
  root: join(tmp, 'srv'),
  listen: '0.0.0.0',
  port: Number(values.port),
  publicHost: values['public-host'],
});
await workspace.push(server.localUrl(workspace.repo));
process.stdout.write(`serving ${server.url(workspace.repo)}\n`);

const stop = async (): Promise<void> => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
