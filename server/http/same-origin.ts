import type { IncomingMessage } from 'node:http';

/** Browsers send Origin on cross-site requests: only pages served by this host may write or subscribe. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser (CLI clients, tests, agents)
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
