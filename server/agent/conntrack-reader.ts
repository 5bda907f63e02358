import { isIP } from 'node:net';
import type { CommandRunner } from './command-runner';
import { type ConntrackLookup, lookupConnection } from './conntrack-entries';
import type { ConnectionTuple } from './http-probe';
import { fetchText } from './http-text';

/** Where the node's conntrack says a probe connection was sent. */
export interface ConntrackReader {
  /**
   * Reads the connection's entry. `attemptedAt` is when the probe started (agent ms), to tell a leftover
   * entry from the connection's own. Rejects when the source cannot be read (missing tool, permission,
   * HTTP error): a read that failed is not a "not found".
   */
  lookup(connection: ConnectionTuple, attemptedAt: number): Promise<ConntrackLookup>;
}

/**
 * Asks the kernel with `conntrack -L`, filtered to the probe's original tuple (conntrack-tools filters
 * the dump itself; the text is still matched again here, so a tool that ignores a filter cannot
 * mislead). Needs CAP_NET_ADMIN in the node's network namespace.
 */
export function commandConntrackReader(run: CommandRunner, now: () => number = Date.now): ConntrackReader {
  return {
    async lookup(connection, attemptedAt) {
      const args = ['-L', '-p', 'tcp'];
      if (isIP(connection.remoteAddress) === 6) args.push('-f', 'ipv6');
      if (connection.localAddress) args.push('--orig-src', connection.localAddress);
      args.push('--orig-dst', connection.remoteAddress, '--orig-port-src', String(connection.localPort), '--orig-port-dst', String(connection.remotePort));
      const readStartedAt = now();
      const text = await run('conntrack', args);
      return lookupConnection(text, connection, { attemptedAt, readStartedAt, readEndedAt: now() });
    },
  };
}

export interface UrlConntrackReaderOptions {
  now?: () => number;
  timeoutMs?: number;
}

/**
 * Reads the same `conntrack -L` lines over HTTP: `GET <url>?sport=<local port>` (the lab's node proxies
 * serve exactly that, with `delta-time=`). The lines must name the address the probe connected to as
 * the original `dst`/`dport` and its source port as `sport`.
 */
export function urlConntrackReader(url: string, options: UrlConntrackReaderOptions = {}): ConntrackReader {
  const now = options.now ?? Date.now;
  return {
    async lookup(connection, attemptedAt) {
      const request = new URL(url);
      request.searchParams.set('sport', String(connection.localPort));
      const readStartedAt = now();
      const text = await fetchText(request, { timeoutMs: options.timeoutMs ?? 1000, maxBytes: 1024 * 1024 });
      return lookupConnection(text, connection, { attemptedAt, readStartedAt, readEndedAt: now() });
    },
  };
}
