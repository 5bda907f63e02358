import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { tokenMatches } from '../sources/probe/token';

/**
 * Who may use the dashboard, its API and its socket.
 *
 * - Bound to loopback only (127.0.0.0/8, ::1, localhost): no token, as easy as before; only this machine
 *   reaches the port.
 * - Bound anywhere else (0.0.0.0 in the Dockerfile and deploy/): every request but /healthz carries the
 *   token, as a `Bearer` header, the `token` query parameter (the printed URL, as Jupyter does) or the
 *   cookie that URL leaves behind (HttpOnly, SameSite=Strict, so no other site's page sends it).
 * - Always: the Host header names this server (an IP literal, a loopback name, the bind host or an
 *   --allowed-host), so a DNS-rebinding page whose own name resolves here is refused; and a write that
 *   carries an Origin must come from the page's own origin with an allowed host.
 */
export interface AccessPolicy {
  /** The token every request must present; undefined when none is needed (loopback only). */
  readonly token: string | undefined;
  /** Host names (lowercase, no port) accepted besides IP literals and loopback names; '*' accepts any. */
  readonly allowedHosts: ReadonlySet<string>;
}

export interface AccessOptions {
  /** The token to require; off loopback without one, a random one is made (printed with the URL). */
  token?: string;
  /** Require the token even on loopback (a loopback address published by a container runtime). */
  requireToken?: boolean;
  /** More Host names to accept (an Ingress host, the Service's DNS name). */
  allowedHosts?: readonly string[];
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** Bound here, only this machine can connect. */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(bare) || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || bare.startsWith('::ffff:127.');
}

/** The policy for a server bound to `bindHost`. */
export function accessPolicy(bindHost: string, options: AccessOptions = {}): AccessPolicy {
  const needsToken = options.requireToken === true || options.token !== undefined || !isLoopbackAddress(bindHost);
  const allowed = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const bare = bindHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare !== '0.0.0.0' && bare !== '::') allowed.add(bare);
  return { token: needsToken ? (options.token ?? randomBytes(24).toString('base64url')) : undefined, allowedHosts: allowed };
}

/** The host name of a Host or Origin authority, lowercase, without port or brackets; undefined when unreadable. */
export function hostName(authority: string | undefined): string | undefined {
  if (authority === undefined || authority.length === 0) return undefined;
  try {
    return new URL(`http://${authority}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * A DNS-rebinding page reaches this server under its own name: a name must be one we know. An IP
 * literal cannot be rebound, so every one is fine (the pod IP a kubelet probe uses, a port-forward).
 */
export function hostAllowed(policy: AccessPolicy, host: string | undefined): boolean {
  const name = hostName(host);
  if (name === undefined) return false;
  if (policy.allowedHosts.has('*')) return true;
  return isIP(name) !== 0 || isLoopbackAddress(name) || policy.allowedHosts.has(name);
}

/** The cookie that carries the token after the URL with `?token=` was opened; per port, as several servers may run on one host. */
export function tokenCookieName(port: number): string {
  return `cutover-token-${port}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token a request presents: `Authorization: Bearer`, then the `token` query parameter, then the cookie. */
export function presentedToken(headers: IncomingHttpHeaders, query: URLSearchParams, cookieName: string): string | undefined {
  const auth = headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice('bearer '.length).trim();
  return query.get('token') ?? cookieValue(headers.cookie, cookieName);
}

export function tokenAccepted(policy: AccessPolicy, presented: string | undefined): boolean {
  return policy.token === undefined || (presented !== undefined && tokenMatches(presented, policy.token));
}

/**
 * A write's Origin: absent (not a browser: the CLI, curl, an agent), or this page's own origin under an
 * allowed name. Compared with Host, not with a list, so the page of one allowed name cannot write to another.
 */
export function originAllowed(policy: AccessPolicy, origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host?.toLowerCase() && hostAllowed(policy, url.host);
}

/**
 * Content types a page of any site may send in a "simple" cross-site request, without a CORS preflight
 * (forms, `fetch(..., {mode: 'no-cors'})`). No write of ours takes them, so none can be forged that way.
 */
export function isCrossSiteSimpleContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'text/plain' || type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
}

/** The URL to print: the dashboard with the token in it, as Jupyter prints it. */
export function urlWithToken(url: string, policy: AccessPolicy): string {
  return policy.token === undefined ? `${url}/` : `${url}/?token=${encodeURIComponent(policy.token)}`;
}
