import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { type Socket, io } from 'socket.io-client';
import { AGENTS_NAMESPACE, type AgentToServerEvents, type BatchAck, type ProxySync, type ServerToAgentEvents } from '../../lib/agent-contract';
import { ProbeRunAccumulator } from '../../lib/probes/probe-run-accumulator';
import { BatchBuffer } from './batch-buffer';
import { type CommandRunner, execCommandRunner } from './command-runner';
import { ConntrackEventLog } from './conntrack-event-log';
import { type ConntrackEventsSource, ConntrackEventWatcher, type EventWatcherStats } from './conntrack-event-stream';
import { type ConntrackReader, commandConntrackReader, urlConntrackReader } from './conntrack-reader';
import { type AttributionStats, FailureAttributor } from './failure-attribution';
import { type ConnectionTuple, ConnectionTrackingAgent, probeAttempt } from './http-probe';
import { KubeProxySyncWatcher } from './kube-proxy-metrics';
import { type RulesSource, createEndpointsReader, createRoutingReader, ruleServiceOf } from './rules-reader';
import type { ServiceAddress } from './service-routing';

/** Where a failed probe's conntrack entry is read: the node's `conntrack` tool, or a URL serving its lines. */
export type ConntrackSource = { read: 'command' } | { read: 'url'; url: string };

export interface ProbeAgentOptions {
  serverUrl: string;
  token: string;
  node: string;
  agentId?: string;
  /** The Service URL to probe. */
  target: string;
  intervalMs: number;
  timeoutMs: number;
  /** Reuse connections (shows long-lived connections sticking to old pods) instead of one per request. */
  keepAlive: boolean;
  identityHeader: string;
  identityJsonField?: string | undefined;
  /** How often collected runs are sent. */
  batchMs?: number;
  /** Runs held while the server is unreachable; past this the oldest are dropped and counted. */
  maxBufferedRuns?: number;
  kubeProxyMetricsUrl?: string | undefined;
  /** How often kube-proxy's metrics are polled for syncs (default 200 ms). */
  syncPollMs?: number | undefined;
  /**
   * The node's Service rules, read after each kube-proxy sync so the sync carries the endpoints the node
   * routes the Service to. Needs `kubeProxyMetricsUrl` (the syncs are what is read at).
   */
  rules?: RulesSource | undefined;
  /** The Service address looked up in the rules (default: the target URL's host, resolved, and port). */
  ruleService?: ServiceAddress | undefined;
  /** Where a failed probe's connection is looked up, to say which endpoint the node's DNAT chose. */
  conntrack?: ConntrackSource | undefined;
  /**
   * The node's conntrack NEW events (`conntrack -E`, or a URL streaming its lines), to prove whether a
   * failed connection made its own entry or matched an older one. Needs `conntrack`.
   */
  conntrackEvents?: ConntrackEventsSource | undefined;
  /** Runs the node's tools (iptables-save, nft, ipvsadm, conntrack); default `execFile` with a timeout (5 s for rules, 1 s for conntrack). */
  commandRunner?: CommandRunner | undefined;
  now?: () => number;
  onError?: (message: string) => void;
}

export interface ProbeAgentStats {
  probesSent: number;
  batchesAcknowledged: number;
  /** Batches the server refused for now (rate limit) and that were sent again. */
  batchesRetried: number;
  buffered: number;
  droppedResults: number;
  connected: boolean;
  /** Conntrack lookups of failed probes, when a conntrack source is configured. */
  conntrack?: AttributionStats;
  /** The NEW-event stream and what it proved, when one is configured. */
  conntrackEvents?: EventWatcherStats & ReturnType<ConntrackEventLog['stats']>;
}

/** Longest wait before sending a batch the server refused for now again, whatever its hint (1 s). */
const MAX_RETRY_WAIT_MS = 1000;

/** Lookups bounded this tightly so the agent's stop (which waits for them) stays short. */
const CONNTRACK_TIMEOUT_MS = 1000;

/**
 * Probes a Service from one node and pushes the results, compacted to runs, to the Cutover server.
 * Results wait in a bounded buffer while the server is unreachable and are sent in order once it is back.
 */
export class ProbeAgent {
  private readonly now: () => number;
  private readonly accumulator = new ProbeRunAccumulator();
  private readonly buffer: BatchBuffer;
  private readonly httpAgent: HttpAgent | undefined;
  private readonly target: URL;
  private socket: Socket<ServerToAgentEvents, AgentToServerEvents> | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  private syncWatcher: KubeProxySyncWatcher | undefined;
  private readonly attributor: FailureAttributor | undefined;
  private readonly eventLog: ConntrackEventLog | undefined;
  private readonly eventWatcher: ConntrackEventWatcher | undefined;
  private readonly eventWaitMs: number;
  private readonly commandRunner: CommandRunner;
  private proxySyncs: ProxySync[] = [];
  private batchSeq = 0;
  private sending = false;
  private stopping = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private stats = { probesSent: 0, batchesAcknowledged: 0, batchesRetried: 0 };

  constructor(private readonly options: ProbeAgentOptions) {
    this.now = options.now ?? Date.now;
    this.buffer = new BatchBuffer(options.maxBufferedRuns ?? 100_000);
    this.target = new URL(options.target);
    if (options.rules && !options.kubeProxyMetricsUrl) throw new Error("the node's rules are read at each kube-proxy sync: set kubeProxyMetricsUrl too");
    if (options.conntrackEvents && !options.conntrack) throw new Error('conntrack events judge the entries conntrack lookups find: set conntrack too');
    this.eventLog = options.conntrackEvents ? new ConntrackEventLog() : undefined;
    this.eventWatcher =
      options.conntrackEvents && this.eventLog
        ? new ConntrackEventWatcher({
            source: options.conntrackEvents,
            log: this.eventLog,
            service: ruleServiceOf(this.target, options.ruleService),
            servicePort: options.ruleService?.port ?? (Number(this.target.port) || (this.target.protocol === 'https:' ? 443 : 80)),
            onError: options.onError,
          })
        : undefined;
    // "Made no entry" is proven by a later probe's event: give it a few probe intervals.
    this.eventWaitMs = Math.min(5000, Math.max(1000, 3 * options.intervalMs));
    const log = this.eventLog;
    this.onConnection = log ? (connection) => log.track(connection) : undefined;
    this.httpAgent = options.keepAlive ? new ConnectionTrackingAgent({ keepAlive: true, maxSockets: 8 }, this.onConnection) : undefined;
    // A rules dump of a large cluster takes a while to print; conntrack lookups get their own tighter bound.
    this.commandRunner = options.commandRunner ?? execCommandRunner({ timeoutMs: 5000 });
    const conntrack = options.conntrack ? this.conntrackReader(options.conntrack) : undefined;
    this.attributor = conntrack ? new FailureAttributor(conntrack, { onError: options.onError, events: this.eventLog, eventWaitMs: this.eventWaitMs }) : undefined;
  }

  private readonly onConnection: ((connection: ConnectionTuple) => void) | undefined;

  private conntrackReader(source: ConntrackSource): ConntrackReader {
    switch (source.read) {
      case 'command':
        return commandConntrackReader(this.options.commandRunner ?? execCommandRunner({ timeoutMs: CONNTRACK_TIMEOUT_MS, maxBytes: 1024 * 1024 }), this.now);
      case 'url':
        return urlConntrackReader(source.url, { now: this.now, timeoutMs: CONNTRACK_TIMEOUT_MS });
      default: {
        const unreachable: never = source;
        throw new Error(`unknown conntrack source ${JSON.stringify(unreachable)}`);
      }
    }
  }

  start(): void {
    const socket: Socket<ServerToAgentEvents, AgentToServerEvents> = io(`${this.options.serverUrl}${AGENTS_NAMESPACE}`, {
      transports: ['websocket'],
      auth: { token: this.options.token, node: this.options.node, agentId: this.options.agentId ?? randomUUID() },
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
    });
    this.socket = socket;
    socket.on('clock', (ack) => ack(this.now()));
    socket.on('connect', () => void this.pump());
    // A server shutting down disconnects its clients on purpose, and socket.io does not retry those: a
    // restarting server is exactly when the agent must come back.
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect' && !this.stopping) this.reconnectTimer = setTimeout(() => socket.connect(), 500);
    });
    socket.on('connect_error', (error) => {
      this.options.onError?.(`server: ${error.message}`);
      // Refused by the server's check (a throttled or busy id) socket.io does not retry: retry ourselves.
      if (!socket.active && !this.stopping) this.reconnectTimer = setTimeout(() => socket.connect(), 2000);
    });

    this.eventWatcher?.start();
    this.probeTimer = setInterval(() => this.probe(), this.options.intervalMs);
    this.batchTimer = setInterval(() => this.cutBatch(), this.options.batchMs ?? 250);
    if (this.options.kubeProxyMetricsUrl) {
      const rules = this.options.rules;
      const readEndpoints = rules
        ? createEndpointsReader(
            createRoutingReader({ source: rules, service: ruleServiceOf(this.target, this.options.ruleService), run: this.commandRunner }),
            this.options.onError,
          )
        : undefined;
      this.syncWatcher = new KubeProxySyncWatcher({
        url: this.options.kubeProxyMetricsUrl,
        pollMs: this.options.syncPollMs,
        onSync: (sync) => this.proxySyncs.push(sync),
        onError: this.options.onError,
        readEndpoints,
        now: this.now,
      });
      this.syncWatcher.start();
    }
  }

  private probe(): void {
    this.stats.probesSent++;
    // A failure's conntrack lookup runs after the probe, off the schedule: the next probe does not wait.
    const done = probeAttempt(
      {
        url: this.target,
        timeoutMs: this.options.timeoutMs,
        identity: { header: this.options.identityHeader, jsonField: this.options.identityJsonField },
        agent: this.httpAgent,
        onConnection: this.onConnection,
      },
      this.now,
    )
      .then((attempt) => (this.attributor ? this.attributor.attribute(attempt) : attempt.result))
      .then((result) => this.accumulator.add(result));
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  private cutBatch(): void {
    const runs = this.accumulator.flush();
    const proxySyncs = this.proxySyncs;
    this.proxySyncs = [];
    if (runs.length === 0 && proxySyncs.length === 0) return;
    this.buffer.push({ batchSeq: this.batchSeq++, target: this.options.target, intervalMs: this.options.intervalMs, runs, proxySyncs });
    void this.pump();
  }

  /** Sends buffered batches one at a time, in order, each until acknowledged. */
  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (;;) {
        const socket = this.socket;
        const batch = this.buffer.peek();
        if (!socket?.connected || !batch) return;
        let ack: BatchAck;
        try {
          ack = await socket.timeout(5000).emitWithAck('batch', batch);
        } catch {
          return; // no answer in time: keep the batch, try again on the next cut or reconnect
        }
        if (ack.ok) {
          this.buffer.shift();
          this.stats.batchesAcknowledged++;
        } else if (ack.retryAfterMs !== undefined) {
          // Refused for now (the server's rate limit, e.g. a backlog sent at once after it came up), not for
          // what it holds: kept and sent again after the server's hint. The buffer's bound still holds.
          this.stats.batchesRetried++;
          await sleep(Math.min(MAX_RETRY_WAIT_MS, Math.max(1, ack.retryAfterMs)));
        } else {
          // Refused for what it holds: it would be refused again. Its results are counted as dropped, so the
          // next batch that gets through opens a gap for them.
          this.options.onError?.(`server refused batch ${batch.batchSeq}: ${ack.error}`);
          this.buffer.discard();
        }
      }
    } finally {
      this.sending = false;
    }
  }

  getStats(): ProbeAgentStats {
    return {
      ...this.stats,
      buffered: this.buffer.size,
      droppedResults: this.buffer.totalDropped,
      connected: this.socket?.connected ?? false,
      ...(this.attributor ? { conntrack: this.attributor.stats() } : {}),
      ...(this.eventWatcher && this.eventLog ? { conntrackEvents: { ...this.eventWatcher.stats(), ...this.eventLog.stats() } } : {}),
    };
  }

  /** Stops probing, waits for requests in flight, sends what is left (up to `drainMs`), disconnects. */
  async stop(drainMs = 2000): Promise<void> {
    this.stopping = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    if (this.batchTimer) clearInterval(this.batchTimer);
    const watcherStopped = this.syncWatcher?.stop();
    const lookupMs = this.attributor ? Math.max(CONNTRACK_TIMEOUT_MS, this.eventLog ? this.eventWaitMs : 0) + 100 : 0;
    await Promise.race([Promise.all([...this.inFlight, watcherStopped]), sleep(this.options.timeoutMs + 100 + lookupMs)]);
    await this.eventWatcher?.stop();
    this.cutBatch();
    const deadline = this.now() + drainMs;
    while (this.buffer.size > 0 && this.now() < deadline) {
      if (this.socket?.connected) await this.pump();
      if (this.buffer.size > 0) await sleep(50);
    }
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.disconnect();
    this.httpAgent?.destroy();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
