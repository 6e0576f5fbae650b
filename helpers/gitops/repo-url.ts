// What an Application's repoURL names: a GitHub repository over HTTPS (Part 3), or a git server
// on the local machine or cluster (bonus).
import { BlockList, isIP } from 'node:net';

export interface GitHubRepo {
  owner: string;
  /** The repository name, without .git. */
  name: string;
}

const GITHUB_HTTPS = /^https:\/\/github\.com\/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/;

/** The GitHub repository of an HTTPS repoURL, or why the URL is not one. */
export function gitHubRepo(url: string): GitHubRepo | { problem: string } {
  const match = GITHUB_HTTPS.exec(url.trim());
  if (match) return { owner: match[1]!, name: match[2]! };
  const host = hostOf(url);
  if (/^(git@|ssh:\/\/)/.test(url))
    return { problem: `is an SSH URL, which Argo CD can only read with a deploy key; use https://github.com/<owner>/<repository>.git` };
  if (host?.toLowerCase() === 'github.com') {
    if (/^https:\/\/[^/@]+@/.test(url))
      return { problem: 'embeds credentials in the URL; a public repository needs none (https://github.com/<owner>/<repository>.git)' };
    if (url.startsWith('http://')) return { problem: 'uses http://; use https://github.com/<owner>/<repository>.git' };
    return { problem: 'is not a repository URL of the form https://github.com/<owner>/<repository>(.git)' };
  }
  return {
    problem: `points at ${host ?? 'no recognisable host'}, not GitHub; Part 3 deploys from a public GitHub repository (https://github.com/<owner>/<repository>.git)`,
  };
}

export const isGitHubRepo = (value: GitHubRepo | { problem: string }): value is GitHubRepo => 'owner' in value;

/** The host of a git URL: https://host:port/…, ssh://user@host/…, or scp-like user@host:path. */
export function hostOf(url: string): string | undefined {
  const text = url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const host = new URL(text).hostname;
      return host.replace(/^\[|\]$/g, '') || undefined;
    } catch {
      return /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^/:?#]+)/i.exec(text)?.[1]?.replace(/^\[|\]$/g, '');
    }
  }
  return /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)/.exec(text)?.[1];
}

/**
 * The host of a URL that still holds unresolved placeholders, when none of them is in the host
 * (`http://root:${TOKEN}@gitlab.local/root/app.git` names gitlab.local); undefined otherwise.
 */
export function hostBesidePlaceholders(url: string, placeholders: readonly string[]): string | undefined {
  let text = url;
  placeholders.forEach((placeholder, index) => {
    text = text.split(placeholder).join(`iotplaceholder${index}x`);
  });
  const host = hostOf(text);
  return host && !/iotplaceholder\d+x/i.test(host) && !/[$`]/.test(host) ? host : undefined;
}

const LOCAL_RANGES = new BlockList();
for (const [address, prefix] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
] as const)
  LOCAL_RANGES.addSubnet(address, prefix, 'ipv4');
LOCAL_RANGES.addAddress('::1', 'ipv6');
LOCAL_RANGES.addSubnet('fc00::', 7, 'ipv6');
LOCAL_RANGES.addSubnet('fe80::', 10, 'ipv6');

/** Loopback, private (RFC 1918, ULA) or link-local address. */
export function isLocalAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && LOCAL_RANGES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const PUBLIC_FORGES = new Set(['github.com', 'www.github.com', 'gitlab.com', 'www.gitlab.com', 'bitbucket.org', 'codeberg.org']);

export interface LocalHostHints {
  /** Namespaces the part uses (for `service.namespace` host names). */
  namespaces: ReadonlySet<string>;
  /** Host names the part maps to a local address, with how ("/etc/hosts entry written by …"). */
  mappedHosts: ReadonlyMap<string, string>;
}

const HOST_NAME = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*\.?$/i;

/**
 * True when a URL's host is neither an IP address nor a DNS name: `{ip-gitlab}` or `<GITLAB_IP>`
 * left in a URL for someone to fill by hand (WHATWG URL parsing accepts such hosts).
 */
export const isMalformedHost = (host: string): boolean => !isIP(host) && !HOST_NAME.test(host);

/** Why a host is the local GitLab's (a reason in words), or undefined when it is not local. */
export function localHostReason(host: string, hints: LocalHostHints): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (PUBLIC_FORGES.has(name) || isMalformedHost(name)) return undefined;
  const mapped = hints.mappedHosts.get(name);
  if (mapped) return `${name} is mapped to a local address (${mapped})`;
  if (name === 'localhost' || name.endsWith('.localhost')) return `${name} is the local machine`;
  if (isIP(name))
    return isLocalAddress(name) ? `${name} is a ${name.startsWith('127.') || name === '::1' ? 'loopback' : 'private'} address` : undefined;
  if (name === 'host.k3d.internal') return 'host.k3d.internal is the machine running K3d';
  if (/\.svc(\.cluster\.local)?$/.test(name)) return `${name} is an in-cluster Service name`;
  const labels = name.split('.');
  if (labels.length === 1) return `${name} is a bare in-cluster Service name`;
  if (labels.length === 2 && hints.namespaces.has(labels[1]!)) return `${name} is an in-cluster Service name (service.namespace)`;
  const embedded = /(?:^|\.)(\d{1,3}(?:[.-]\d{1,3}){3})\.(?:nip\.io|sslip\.io)$/.exec(name)?.[1]?.replace(/-/g, '.');
  if (embedded && isLocalAddress(embedded)) return `${name} resolves to the private address ${embedded}`;
  return undefined;
}
