// HTTP probes of the live apps (undici): Part 2's Host-header routing and Part 3's version answer.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';

export interface HttpAnswer {
  url: string;
  host?: string;
  status: number;
  body: string;
}

/** GET url, with the Host header set when given. Bodies are cut at 64 KiB: the checks read the start. */
export async function probe(url: string, options: { host?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const response = await request(url, {
    method: 'GET',
    headers: options.host ? { host: options.host } : {},
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: options.signal,
  });
  const body = (await response.body.text()).slice(0, 64 * 1024);
  return { url, host: options.host, status: response.statusCode, body };
}

export const randomHost = (): string => `iot-${randomBytes(4).toString('hex')}.example.net`;

/**
 * A body with what varies per pod or per request removed (pod names, the k8s "name-<hash>-<id>" form,
 * IP addresses, dates), so two answers of the same app compare equal and two apps compare different.
 */
export function normalizeBody(body: string, podNames: string[] = []): string {
  let text = body;
  for (const name of [...podNames].sort((a, b) => b.length - a.length)) text = text.split(name).join('<pod>');
  return text
    .replace(/\b[a-z0-9]([-a-z0-9]*[a-z0-9])?-[a-z0-9]{8,10}-[a-z0-9]{5}\b/g, '<pod>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<ip>')
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Pod names among `podNames` that the body mentions. */
export function podsNamedIn(body: string, podNames: string[]): string[] {
  return podNames.filter((name) => body.includes(name));
}

export const excerpt = (body: string, max = 120): string => {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || '(empty body)';
};

/**
 * The version an app answers: wil42/playground says {"status":"ok","message":"v1"}; other apps are read for
 * a standalone v<N> token.
 */
export function answeredVersion(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as { message?: unknown; version?: unknown };
    for (const value of [json.message, json.version]) if (typeof value === 'string' && /^v\d+$/.test(value.trim())) return value.trim();
  } catch {
    // not JSON: read the text
  }
  return /(?:^|[^\w.])(v\d+)(?![\w.])/.exec(body)?.[1];
}
