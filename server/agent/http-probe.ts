import { type Agent, type ClientRequestArgs, Agent as HttpAgent, request } from 'node:http';
import { type NetConnectOpts, type Socket, createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProbeResult } from '../../lib/probes/probe-run-accumulator';

export interface ProbeTarget {
  url: URL;
  timeoutMs: number;
  /** Where the serving pod names itself: a response header (default X-Cutover-Pod) or a JSON field. */
  identity: { header: string; jsonField?: string | undefined };
  /**
   * A keep-alive agent to reuse connections; undefined opens a new connection for each request. Only a
   * `ConnectionTrackingAgent` lets a probe on a new pooled connection say which connection it opened.
   */
  agent?: Agent | undefined;
  /** Called with each new connection the probe opens, once its source port is known (not with `agent`: give it to the agent). */
  onConnection?: ((connection: ConnectionTuple) => void) | undefined;
  /** Bind this source port (tests: to make a connection match the conntrack entry of an earlier one). */
  localPort?: number | undefined;
}

/** The TCP connection a probe opened, as the node's conntrack keys it (original direction). */
export interface ConnectionTuple {
  localAddress?: string | undefined;
  localPort: number;
  /** The address connected to: the Service's, before any DNAT. */
  remoteAddress: string;
  remotePort: number;
  /**
   * The order this process issued its connect() calls in: the kernel handles a SYN within its connect()
   * call, so a connection with a higher `seq` had its conntrack event (if any) queued after this one's.
   */
  seq?: number | undefined;
  /** Realtime ms (Date.now, the clock conntrack stamps its events with) just before connect() was called. */
  connectingAt?: number | undefined;
}

/** One probe and, when it opened a new connection whose source port was seen, that connection. */
export interface ProbeAttempt {
  result: ProbeResult;
  connection?: ConnectionTuple | undefined;
}

const connections = new WeakMap<Duplex, ConnectionTuple>();
let nextSeq = 0;

/**
 * Notes a socket's source port once its connect() has been issued. The port exists from then on, but a
 * failed connection destroys its handle before 'error' is emitted (socket.localPort is undefined there),
 * and reading localPort before connect() caches port 0: so it is read on the tick right after the
 * 'connectionAttempt' event (Node >= 20.12), whose connect() call runs synchronously after the emit.
 */
function trackConnection(socket: Socket, onConnection: ((connection: ConnectionTuple) => void) | undefined): void {
  socket.on('connectionAttempt', (ip: string, port: number) => {
    // Taken in the emit, which Node makes synchronously just before its connect() call.
    const seq = nextSeq++;
    const connectingAt = Date.now();
    process.nextTick(() => {
      const localPort = socket.localPort;
      if (localPort === undefined || localPort === 0) return;
      const connection: ConnectionTuple = { localAddress: socket.localAddress, localPort, remoteAddress: ip, remotePort: port, seq, connectingAt };
      connections.set(socket, connection);
      onConnection?.(connection);
    });
  });
}

function trackedConnection(options: ClientRequestArgs, onConnection?: (connection: ConnectionTuple) => void): Duplex {
  const socket = createConnection(options as NetConnectOpts);
  trackConnection(socket, onConnection);
  return socket;
}

/** A keep-alive agent whose new connections are tracked like the probe's own, so failures on them can be looked up. */
export class ConnectionTrackingAgent extends HttpAgent {
  constructor(
    options?: ConstructorParameters<typeof HttpAgent>[0],
    private readonly onConnection?: (connection: ConnectionTuple) => void,
  ) {
    super(options);
  }

  override createConnection(options: ClientRequestArgs): Duplex {
    return trackedConnection(options, this.onConnection);
  }
}

const MAX_BODY = 64 * 1024;

function classifyError(error: NodeJS.ErrnoException): ProbeResult['outcome'] {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'timeout';
    default:
      return 'reset';
  }
}

/**
 * Sends one GET and classifies what came back: served by a pod (named by the header or JSON field),
 * an HTTP 5xx, refused, reset or timed out. `time` is when the request was sent (when the data plane
 * chose a pod), on the agent's clock.
 */
export function probeOnce(target: ProbeTarget, now: () => number = Date.now): Promise<ProbeResult> {
  return probeAttempt(target, now).then((attempt) => attempt.result);
}

/**
 * `probeOnce`, also saying which new connection the request opened (local address and port, the address
 * connected to), so the node's conntrack entry of a failure can be found. A request on a reused
 * keep-alive connection reports none: the data plane chose its pod when that connection was opened.
 */
export function probeAttempt(target: ProbeTarget, now: () => number = Date.now): Promise<ProbeAttempt> {
  const time = now();
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let socket: Duplex | undefined;
    const finish = (result: Omit<ProbeResult, 'time' | 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      const connection = socket && !req.reusedSocket ? connections.get(socket) : undefined;
      resolve({ result: { ...result, time, latencyMs: Math.round((performance.now() - started) * 100) / 100 }, connection });
    };
    const req = request(target.url, {
      method: 'GET',
      headers: target.agent ? { connection: 'keep-alive' } : { connection: 'close' },
      timeout: target.timeoutMs,
      // Without an agent, Node opens the request's own connection with `createConnection` (with `agent:
      // false` it would make a fresh Agent and ignore it).
      ...(target.agent ? { agent: target.agent } : { createConnection: (options: ClientRequestArgs) => trackedConnection(options, target.onConnection) }),
      ...(target.localPort !== undefined ? { localPort: target.localPort } : {}),
    });
    req.on('socket', (s) => {
      socket = s;
    });
    const deadline = setTimeout(() => {
      finish({ outcome: 'timeout' });
      req.destroy();
    }, target.timeoutMs);
    req.on('timeout', () => {
      finish({ outcome: 'timeout' });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      finish({ outcome: classifyError(error) });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      res.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(deadline);
        finish({ outcome: classifyError(error) });
      });
      res.on('end', () => {
        clearTimeout(deadline);
        const status = res.statusCode ?? 0;
        const header = res.headers[target.identity.header.toLowerCase()];
        let pod = Array.isArray(header) ? header[0] : header;
        let revision: string | undefined;
        const revisionHeader = res.headers['x-cutover-revision'];
        if (typeof revisionHeader === 'string') revision = revisionHeader;
        if (target.identity.jsonField && pod === undefined) pod = readJsonField(Buffer.concat(chunks).toString('utf8'), target.identity.jsonField);
        finish({
          outcome: status >= 500 ? 'http-error' : 'served',
          status,
          ...(pod ? { pod } : {}),
          ...(revision ? { revision } : {}),
        });
      });
    });
    req.end();
  });
}

/** Reads a dotted field (`pod.name`) from a JSON body; undefined when the body is not JSON or lacks it. */
export function readJsonField(body: string, field: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
  for (const key of field.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
