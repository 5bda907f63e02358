import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExtendedError, Socket } from 'socket.io';
import {
  type AccessPolicy,
  hostAllowed,
  isCrossSiteSimpleContentType,
  originAllowed,
  presentedToken,
  tokenAccepted,
  tokenCookieName,
} from './access-policy';
import { sendJson } from './json-response';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Answers without the token: a liveness probe has none, and it tells nothing but up or degraded. */
const OPEN_PATHS = new Set(['/healthz']);

/** Refusals are JSON `{error}`, as every API route answers. */
function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): true {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, status, { error: message });
  return true;
}

export interface AccessGate {
  /** Checks an HTTP request; true when it answered it (refused, or redirected to drop the token from the URL). */
  http(req: IncomingMessage, res: ServerResponse): boolean;
  /** socket.io's allowRequest: the engine's handshake and upgrade (Host and Origin; the token per namespace). */
  engine(req: IncomingMessage): boolean;
  /** Other upgrades (Next's dev HMR socket): Host, Origin and the token. */
  upgrade(req: IncomingMessage): boolean;
  /** Namespace middleware for the browser's sockets: the token, when one is needed. */
  socket(socket: Socket, next: (error?: ExtendedError) => void): void;
}

/** The access policy applied to requests and sockets; refusals are counted by `onRefused(reason)`. */
export function accessGate(policy: AccessPolicy, port: () => number, onRefused: (reason: string) => void): AccessGate {
  return {
    http(req, res) {
      const url = new URL(req.url ?? '/', 'http://cutover.local');
      const method = req.method ?? 'GET';
      if (!hostAllowed(policy, req.headers.host)) {
        onRefused('host not allowed');
        return refuse(res, 403, `Host "${String(req.headers.host ?? '')}" is not a name of this server: start it with --allowed-host ${String(req.headers.host ?? '').replace(/:\d+$/, '')} to accept it`);
      }
      const cookie = tokenCookieName(port());
      if (!OPEN_PATHS.has(url.pathname)) {
        const token = presentedToken(req.headers, url.searchParams, cookie);
        if (!tokenAccepted(policy, token)) {
          onRefused(token === undefined ? 'token missing' : 'token rejected');
          return refuse(res, 401, 'this Cutover server needs its token: open the URL it printed at start (…/?token=…), or send "Authorization: Bearer <token>"', { 'WWW-Authenticate': 'Bearer realm="cutover"' });
        }
        if (policy.token !== undefined && url.searchParams.has('token')) {
          // As Jupyter does: the token moves from the URL into a cookie no other site's page sends.
          res.setHeader('Set-Cookie', `${cookie}=${encodeURIComponent(policy.token)}; Path=/; HttpOnly; SameSite=Strict`);
          if (method === 'GET' && (req.headers['sec-fetch-mode'] === 'navigate' || String(req.headers.accept ?? '').includes('text/html'))) {
            url.searchParams.delete('token');
            res.writeHead(302, { Location: `${url.pathname}${url.search}`, 'Cache-Control': 'no-store' });
            res.end();
            return true;
          }
        }
      }
      if (READS.has(method)) return false;
      if (!originAllowed(policy, req.headers.origin, req.headers.host) || req.headers['sec-fetch-site'] === 'cross-site') {
        onRefused('cross-origin write');
        return refuse(res, 403, 'cross-origin requests may not change anything here');
      }
      // A page of another site cannot set Authorization without a preflight we never answer: a request
      // that carries one is no forged form, whatever its type (curl -H 'Authorization: Bearer …' --data-binary).
      if (req.headers.authorization === undefined && isCrossSiteSimpleContentType(req.headers['content-type'])) {
        onRefused('write with a form content type');
        return refuse(res, 415, `${String(req.headers['content-type'])} is not taken here (a page of any site can send it): send JSON or NDJSON`);
      }
      return false;
    },
    upgrade(req) {
      const url = new URL(req.url ?? '/', 'http://cutover.local');
      const ok = this.engine(req) && tokenAccepted(policy, presentedToken(req.headers, url.searchParams, tokenCookieName(port())));
      if (!ok) onRefused('upgrade refused');
      return ok;
    },
    engine(req) {
      if (!hostAllowed(policy, req.headers.host)) {
        onRefused('host not allowed');
        return false;
      }
      if (!originAllowed(policy, req.headers.origin, req.headers.host)) {
        onRefused('cross-origin socket');
        return false;
      }
      return true;
    },
    socket(socket, next) {
      if (policy.token === undefined) return next();
      const auth = socket.handshake.auth as { token?: unknown };
      const query = new URLSearchParams();
      const fromQuery = socket.handshake.query.token;
      if (typeof fromQuery === 'string') query.set('token', fromQuery);
      const presented = typeof auth.token === 'string' ? auth.token : presentedToken(socket.handshake.headers, query, tokenCookieName(port()));
      if (tokenAccepted(policy, presented)) return next();
      onRefused(presented === undefined ? 'token missing' : 'token rejected');
      next(new Error('unauthorized: this Cutover server needs its token'));
    },
  };
}
