// A git server the suite starts itself, so the v1 → v2 checks need no GitHub credentials: git's smart-HTTP
// CGI (`git http-backend`, shipped with git) behind Node's http server. Argo CD in the k3d cluster reaches it
// through host.k3d.internal; pushes are accepted only from this host's own addresses.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface GitServerOptions {
  /** Folder holding the bare repositories (<name>.git). */
  root: string;
  /** Address to listen on: 127.0.0.1 in self-tests; see listenAddressFor for real runs. */
  listen?: string;
  port?: number;
  /** Host name put in the URLs handed to the cluster (host.k3d.internal); the listen address otherwise. */
  publicHost?: string;
  /** Who may push; the host's own addresses by default. */
  allowPush?: (remoteAddress: string) => boolean;
  env?: Record<string, string | undefined>;
}

export interface GitRequest {
  /** When it arrived (ISO 8601). */
  time: string;
  method: string;
  path: string;
  service?: string;
  status: number;
  remoteAddress: string;
}

export interface GitServer {
  port: number;
  /** URL of a repository for the cluster (publicHost). */
  url(repo: string): string;
  /** URL of a repository for this host (pushes from the suite). */
  localUrl(repo: string): string;
  readonly requests: GitRequest[];
  close(): Promise<void>;
}

/** The request log, one line per request, for the evidence of a failed round. */
export function formatRequests(requests: readonly GitRequest[]): string {
  if (requests.length === 0) return 'the git server received no request (the cluster never asked it for anything)';
  return requests
    .map((r) => `${r.time} ${r.remoteAddress} ${r.method} ${r.path}${r.service ? ` (${r.service})` : ''} → ${r.status}`)
    .join('\n');
}

/** Addresses of this host's interfaces (IPv4 and IPv6, loopback included). */
export function localAddresses(): Set<string> {
  const addresses = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) for (const info of list ?? []) addresses.add(info.address);
  return addresses;
}

const plainAddress = (address: string): string => address.replace(/^::ffff:/, '');

export function isLocalAddress(address: string, locals = localAddresses()): boolean {
  return locals.has(plainAddress(address));
}

/**
 * Where to listen in a real run: the k3d network's gateway, which is what host.k3d.internal resolves to
 * inside the cluster on Linux — when that address is one of this host's interfaces. Otherwise (Docker Desktop,
 * where the gateway is inside a VM) all interfaces, since the VM forwards to the host's own addresses.
 */
export function listenAddressFor(gateway: string | undefined, locals = localAddresses()): string {
  if (gateway && locals.has(gateway)) return gateway;
  return '0.0.0.0';
}

function cgiEnv(request: IncomingMessage, root: string, base: Record<string, string | undefined>): Record<string, string | undefined> {
  const url = new URL(request.url ?? '/', 'http://git.invalid');
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    PATH: base.PATH,
    HOME: base.HOME,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    REQUEST_METHOD: request.method,
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: header('content-type'),
    CONTENT_LENGTH: header('content-length'),
    HTTP_CONTENT_ENCODING: header('content-encoding'),
    GIT_PROTOCOL: header('git-protocol'),
    REMOTE_ADDR: plainAddress(request.socket.remoteAddress ?? ''),
    REMOTE_USER: 'iot-suite',
  };
}

/** Splits a CGI answer into status, headers and the start of the body. */
export function parseCgiHead(head: string): { status: number; headers: Array<[string, string]> } {
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { status, headers };
}

function serveCgi(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  env: Record<string, string | undefined>,
  record: (status: number) => void,
): void {
  const child = spawn('git', ['http-backend'], { env: cgiEnv(request, root, env) as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let head = Buffer.alloc(0);
  let headDone = false;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (headDone) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    const end = text.search(/\r?\n\r?\n/);
    if (end < 0) return;
    const separator = /\r?\n\r?\n/.exec(text.slice(end))![0].length;
    const { status, headers } = parseCgiHead(text.slice(0, end));
    headDone = true;
    response.writeHead(status, headers);
    record(status);
    const rest = head.subarray(end + separator);
    if (rest.length) response.write(rest);
  });
  child.on('close', (code) => {
    if (!headDone) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      record(500);
      response.end(`git http-backend failed (exit ${code}): ${stderr}`);
      return;
    }
    response.end();
  });
  child.on('error', (error) => {
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
    record(500);
    response.end(`cannot run git http-backend: ${error.message}`);
  });
  request.pipe(child.stdin);
  child.stdin.on('error', () => {});
}

export async function startGitServer(options: GitServerOptions): Promise<GitServer> {
  const listen = options.listen ?? '127.0.0.1';
  const locals = localAddresses();
  const allowPush = options.allowPush ?? ((address: string) => isLocalAddress(address, locals));
  const env = options.env ?? process.env;
  const requests: GitRequest[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://git.invalid');
    const service = url.searchParams.get('service') ?? /\/(git-[a-z-]+)$/.exec(url.pathname)?.[1] ?? undefined;
    const remoteAddress = plainAddress(request.socket.remoteAddress ?? '');
    const record = (status: number) =>
      requests.push({
        time: new Date().toISOString(),
        method: request.method ?? 'GET',
        path: url.pathname,
        service,
        status,
        remoteAddress,
      });
    if (service === 'git-receive-pack' && !allowPush(remoteAddress)) {
      record(403);
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end('pushes are accepted only from the grading host\n');
      return;
    }
    serveCgi(request, response, options.root, env, record);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, listen, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);
  const localHost = listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
  return {
    port,
    url: (repo) => `http://${hostPart(options.publicHost ?? localHost)}:${port}/${repo}`,
    localUrl: (repo) => `http://${hostPart(localHost)}:${port}/${repo}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
