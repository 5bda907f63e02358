import { type Server, type Socket, connect, createServer } from 'node:net';
import type { ConnectionLog, TrackedConnection } from './connection-log';
import type { ConntrackTable } from './conntrack';
import { type Endpoint, RoundRobin } from './endpoints';
import type { NodeRecorder } from './ground-truth';
import type { PodDirectory } from './pod-directory';

export interface NodeProxyOptions {
  /** The node this proxy runs on; a pod elsewhere is reached "over the network". */
  nodeName: string;
  host: string;
  port?: number;
  pods: PodDirectory;
  conntrack: ConntrackTable;
  /** Where each connection's conntrack entry is kept as the node's kernel would list it (the node's evidence). */
  connections?: ConnectionLog | undefined;
  recorder: NodeRecorder;
  now: () => number;
  /**
   * Real ms between the ICMP errors the kernel lets through for SYNs to a dead pod on another node;
   * every other such SYN goes unanswered (a timeout). Real nodes: ~2 errors per 100 SYNs in 5 s.
   */
  icmpErrorIntervalMs: number;
  /** Real ms a connection that "times out" is held, unanswered, before the proxy lets go of it. */
  maxHoldMs: number;
}

/** How a connection to a dead endpoint fails, from where this node stands. */
export type DeadEndpointFailure = 'refused' | 'timeout';

/**
 * Decides how a failed connection attempt to `endpoint` looks to the client (DESIGN.md, "What a real
 * data plane does"): on the pod's own node the kernel answers RST (refused) while the pod's address
 * still exists, and nothing (no route: timeout) once it is gone; to another node, the SYN is lost and
 * the rate-limited ICMP error only rarely comes back, so mostly a timeout.
 */
export function deadEndpointFailure(
  endpoint: Endpoint,
  nodeName: string,
  pods: PodDirectory,
  icmpAllowed: () => boolean,
): DeadEndpointFailure {
  const pod = pods.get(endpoint.address);
  const podNode = pod?.nodeName ?? endpoint.nodeName;
  if (podNode === nodeName) return pod ? 'refused' : 'timeout';
  return icmpAllowed() ? 'refused' : 'timeout';
}

const ignore = (): void => {};

/**
 * A node's Service proxy, standing in for kube-proxy: a real TCP proxy on a loopback port. Each new
 * connection is sent to an endpoint the node's *currently programmed* rules list (or to where a stale
 * conntrack entry points), and bytes are piped both ways untouched (TCP-level, so HTTP semantics are
 * the pod's own). Failures are shaped as on a real node.
 *
 * Known limitation: a userspace proxy has completed the client's TCP handshake before it knows the
 * upstream fails, so a "refused" reaches the client as an immediate RST after connect (ECONNRESET),
 * not as ECONNREFUSED. Both are dropped requests; the ground truth records it as refused.
 */
export class NodeProxy {
  private readonly server: Server;
  private readonly clients = new Set<Socket>();
  private readonly roundRobin = new RoundRobin();
  private endpoints: readonly Endpoint[] = [];
  private nextIcmpAt = 0;
  private boundPort = 0;

  constructor(private readonly options: NodeProxyOptions) {
    // pauseOnConnect: the client's request waits in the kernel until an upstream is connected.
    this.server = createServer({ pauseOnConnect: true, noDelay: true }, (client) => this.onConnection(client));
  }

  get nodeName(): string {
    return this.options.nodeName;
  }

  get url(): string {
    return `http://${this.options.host}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  get openConnections(): number {
    return this.clients.size;
  }

  /** Replaces the programmed endpoints (a rules sync). */
  program(endpoints: readonly Endpoint[]): void {
    this.endpoints = endpoints;
  }

  get programmed(): readonly Endpoint[] {
    return this.endpoints;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : 0;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const client of this.clients) client.destroy();
    this.clients.clear();
    await closed;
  }

  private readonly icmpAllowed = (): boolean => {
    const now = this.options.now();
    if (now < this.nextIcmpAt) return false;
    this.nextIcmpAt = now + this.options.icmpErrorIntervalMs;
    return true;
  };

  private onConnection(client: Socket): void {
    const o = this.options;
    const startedAt = o.now();
    this.clients.add(client);
    client.on('error', ignore);
    client.once('close', () => this.clients.delete(client));

    const flow = o.conntrack.enabled ? o.conntrack.flowKey(client.remoteAddress, client.remotePort) : '';
    const leftover = o.conntrack.enabled ? o.conntrack.lookup(flow, startedAt) : undefined;
    const endpoint = leftover?.endpoint ?? this.roundRobin.pick(this.endpoints);
    const tracked = o.connections?.connecting({
      clientAddress: client.remoteAddress ?? '?',
      clientPort: client.remotePort ?? 0,
      serviceAddress: o.host,
      servicePort: this.boundPort,
      endpoint: endpoint ? { address: endpoint.address, port: endpoint.port } : undefined,
      startedAt,
      reused: leftover ? { createdAt: leftover.createdAt, expiresAt: leftover.expiresAt } : undefined,
    });
    if (!endpoint) {
      // No endpoints: kube-proxy's REJECT rule answers at once.
      client.resetAndDestroy();
      o.recorder.request({ at: startedAt, startedAt, via: o.nodeName, outcome: 'refused', pod: undefined, revision: undefined, stale: false, conntrack: false });
      return;
    }

    const upstream = connect({ host: endpoint.address, port: endpoint.port, noDelay: true });
    const conntrack = leftover !== undefined;
    // Each connection's outcome is recorded exactly once, by whichever of these happens first.
    let connected = false;
    let settled = false;
    upstream.once('connect', () => {
      connected = true;
      if (tracked) o.connections?.established(tracked, o.now());
      if (client.destroyed) return;
      // Plain forwarding rather than pipe(): fewer listeners and objects per connection, and probe
      // requests and answers are far below any buffer limit (backpressure is still honoured below).
      client.on('data', (chunk: Buffer) => {
        if (!upstream.write(chunk)) client.pause();
      });
      upstream.on('drain', () => client.resume());
      client.on('end', () => upstream.end());
      client.resume();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!settled) {
        settled = true;
        const pod = o.pods.get(endpoint.address);
        o.recorder.request({ at: o.now(), startedAt, via: o.nodeName, outcome: 'served', pod: pod?.name ?? endpoint.pod, revision: pod?.revision, stale: pod?.terminating ?? false, conntrack });
      }
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    upstream.on('end', () => client.end());
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) {
        if (tracked) o.connections?.reset(tracked, o.now());
        if (!client.destroyed) client.resetAndDestroy();
        return;
      }
      settled = true;
      if (!connected) {
        this.connectFailed(client, endpoint, flow, startedAt, conntrack, error, tracked);
        return;
      }
      if (tracked) o.connections?.reset(tracked, o.now());
      this.record(endpoint, startedAt, conntrack, 'reset');
      if (!client.destroyed) client.resetAndDestroy();
    });
    upstream.once('close', (hadError) => {
      // The pod closed without a byte of answer (it exited between accept and response).
      if (!settled && connected) {
        settled = true;
        if (tracked) o.connections?.reset(tracked, o.now());
        this.record(endpoint, startedAt, conntrack, 'reset');
        if (!client.destroyed) client.resetAndDestroy();
        return;
      }
      if (tracked && connected && !hadError) o.connections?.closed(tracked, o.now());
    });
    client.once('close', () => {
      // The client gave up before any answer: from where it stands, a timeout.
      if (!settled) {
        settled = true;
        this.record(endpoint, startedAt, conntrack, 'timeout');
      }
      upstream.destroy();
    });
  }

  private record(endpoint: Endpoint, startedAt: number, conntrack: boolean, outcome: 'reset' | 'timeout'): void {
    const o = this.options;
    const pod = o.pods.get(endpoint.address);
    o.recorder.request({ at: o.now(), startedAt, via: o.nodeName, outcome, pod: pod?.name ?? endpoint.pod, revision: pod?.revision, stale: false, conntrack });
  }

  private connectFailed(
    client: Socket,
    endpoint: Endpoint,
    flow: string,
    startedAt: number,
    conntrack: boolean,
    error: NodeJS.ErrnoException,
    tracked: TrackedConnection | undefined,
  ): void {
    const o = this.options;
    const now = o.now();
    if (o.conntrack.enabled) o.conntrack.recordFailure(flow, endpoint, startedAt, now);
    const pod = o.pods.get(endpoint.address);
    // Anything but a refusal (no listener) would be a lab fault; treat it as the network losing the SYN.
    const failure: DeadEndpointFailure =
      error.code === 'ECONNREFUSED' ? deadEndpointFailure(endpoint, o.nodeName, o.pods, this.icmpAllowed) : 'timeout';
    // A RST comes back from the pod's own node only; a remote refusal is a (rate-limited) ICMP error,
    // which conntrack does not count as a reply.
    const local = (pod?.nodeName ?? endpoint.nodeName) === o.nodeName;
    if (tracked) o.connections?.failed(tracked, failure === 'refused' && local ? 'refused' : 'unanswered', now);
    o.recorder.request({ at: now, startedAt, via: o.nodeName, outcome: failure, pod: pod?.name ?? endpoint.pod, revision: pod?.revision, stale: false, conntrack });
    switch (failure) {
      case 'refused':
        if (!client.destroyed) client.resetAndDestroy();
        return;
      case 'timeout':
        // Hold the connection and never answer, as a lost SYN looks to the client; let go after
        // maxHoldMs (the client has long given up by then) so held sockets stay bounded.
        client.setTimeout(o.maxHoldMs, () => client.destroy());
        return;
      default: {
        const unknown: never = failure;
        throw new Error(`unknown failure ${String(unknown)}`);
      }
    }
  }
}
