import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { POD_PORT, allocatePodAddress, releasePodAddress } from './pod-address';

/**
 * How the pod's process reacts to SIGTERM (what the scenario's app does):
 * - `immediate`: the process exits at once. The listener closes (new connections are refused) and
 *   every open connection is dropped, in-flight requests included: the classic broken app.
 * - `serve-until-kill`: SIGTERM is ignored; the pod keeps serving until the kubelet kills it at the
 *   end of the grace period.
 * - `drain`: stop accepting new connections, finish the requests in flight (answering them with
 *   `Connection: close`), then exit.
 */
export type ShutdownBehaviour = 'immediate' | 'serve-until-kill' | 'drain';

export interface PodServerOptions {
  podName: string;
  namespace: string;
  revision: string;
  nodeName: string;
  /**
   * The pod's own address, normally from allocatePodAddress(). If another process on the host holds
   * it, the server moves to a fresh address: the handle's `host` is the one to publish as podIP.
   */
  host: string;
  shutdown: ShutdownBehaviour;
  /** Real ms after start before /healthz answers 200 (the caller scales scenario time). Default 0. */
  readyAfterMs?: number;
  /** /healthz never answers 200: a pod whose readiness probe never passes. */
  neverReady?: boolean;
  /** Real ms every answer on `/` is delayed by (in addition to any `?slow=`). */
  slowMs?: number;
  /** Defaults to POD_PORT: every pod has its own address, so they can all use the same port. */
  port?: number;
}

export interface PodServerHandle {
  host: string;
  port: number;
  url: string;
  /** Delivers SIGTERM; what happens depends on `shutdown`. Idempotent. */
  sigterm(): void;
  /** SIGKILL: every connection is destroyed and the listener closed. Resolves once all is closed. */
  kill(): Promise<void>;
  /** Resolves when the process has exited: after kill(), or by itself after SIGTERM (immediate, drain). */
  exited: Promise<void>;
}

/** What `/` answers: enough for a probe to tell which pod and revision served it. */
export interface PodAnswer {
  pod: string;
  namespace: string;
  revision: string;
  node: string;
}

const MAX_SLOW_MS = 60_000;

function slowFromQuery(url: string | undefined): number {
  if (!url) return 0;
  const q = url.indexOf('?');
  if (q < 0) return 0;
  const value = new URLSearchParams(url.slice(q + 1)).get('slow');
  if (value === null) return 0;
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_SLOW_MS) : 0;
}

/**
 * Binds `host:port`; when an allocated address turns out to be taken by another process (the loopback
 * range is shared host-wide), gives it back and tries a fresh one.
 */
async function listenOnFreeAddress(server: Server, port: number, requested: string): Promise<string> {
  let host = requested;
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return host;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || attempt >= 8 || !host.startsWith('127.')) throw error;
      if (host !== requested) releasePodAddress(host);
      host = allocatePodAddress();
    }
  }
}

/**
 * A pod's container: a real HTTP server on the pod's loopback address. Answers `/` with its identity
 * and `/healthz` with its readiness, and shuts down the way the scenario's app does.
 */
export async function startPodServer(options: PodServerOptions): Promise<PodServerHandle> {
  const port = options.port ?? POD_PORT;
  const startedAt = Date.now();
  const readyAt = startedAt + Math.max(0, options.readyAfterMs ?? 0);
  const body = JSON.stringify({
    pod: options.podName,
    namespace: options.namespace,
    revision: options.revision,
    node: options.nodeName,
  } satisfies PodAnswer);
  const timers = new Set<NodeJS.Timeout>();
  let terminating = false;
  let closed = false;

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    // After SIGTERM a draining app tells keep-alive clients to go away, so they reconnect elsewhere.
    const draining = terminating && options.shutdown === 'drain';
    if (draining) res.setHeader('Connection', 'close');
    const path = req.url?.split('?', 1)[0] ?? '/';
    if (path === '/healthz') {
      const ready = !options.neverReady && !draining && Date.now() >= readyAt;
      res.writeHead(ready ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end(ready ? 'ok' : 'not ready');
      return;
    }
    const delay = (options.slowMs ?? 0) + slowFromQuery(req.url);
    const send = (): void => {
      if (res.destroyed) return;
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'X-Cutover-Pod': options.podName,
        'X-Cutover-Revision': options.revision,
        'X-Cutover-Node': options.nodeName,
      });
      res.end(body);
    };
    if (delay <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, delay);
    timers.add(timer);
  };

  const server: Server = createServer({ keepAliveTimeout: 5_000 }, answer);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A client that resets mid-request must not crash the lab.
  server.on('clientError', (_error, socket) => socket.destroy());

  let resolveExited: () => void = () => {};
  const exited = new Promise<void>((resolve) => {
    resolveExited = resolve;
  });
  server.once('close', () => {
    closed = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    resolveExited();
  });

  const host = await listenOnFreeAddress(server, port, options.host);

  const destroyAll = (): void => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const sigterm = (): void => {
    if (terminating || closed) return;
    terminating = true;
    switch (options.shutdown) {
      case 'immediate':
        server.close();
        destroyAll();
        return;
      case 'serve-until-kill':
        return;
      case 'drain':
        // close() stops accepting and, on Node ≥ 19, closes idle keep-alive connections; requests in
        // flight finish and their connections close after the answer ('close' fires once all are gone).
        server.close();
        server.closeIdleConnections();
        return;
      default: {
        const unknown: never = options.shutdown;
        throw new Error(`unknown shutdown behaviour ${String(unknown)}`);
      }
    }
  };

  const kill = async (): Promise<void> => {
    if (!closed && server.listening) server.close();
    destroyAll();
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    // Either close() was just called or an earlier drain's close() was waiting on the connections we
    // destroyed: both end in 'close'.
    await exited;
  };

  const url = `http://${host}:${port}`;
  return { host, port, url, sigterm, kill, exited };
}
