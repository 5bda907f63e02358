import type { Namespace, Socket } from 'socket.io';
import {
  AGENT_LIMITS,
  AGENTS_NAMESPACE,
  type AgentHello,
  type AgentToServerEvents,
  type BatchAck,
  type ServerToAgentEvents,
  agentBatchSchema,
  agentHelloSchema,
} from '../../../lib/agent-contract';
import type { DataPlaneEvent } from '../../../lib/events/event-schema';
import type { ProbeRunTuple } from '../../../lib/probes/probe-run';

type DataPlaneEventInput = Omit<DataPlaneEvent, 'seq'>;
import type { SourceStatus } from '../../../lib/socket-contract';
import type { Source, SourceContext } from '../source';
import { ClockOffsetEstimator } from './clock-offset';
import { AgentAdmission, type AgentRecord } from './agent-admission';
import { checkBatchTimes } from './batch-time-window';
import { RateLimiter } from './rate-limiter';

export interface ProbeSourceOptions {
  /** Agents must present this token; without one configured, no agent is accepted. */
  token: string;
  /** One credential per node (node → token): a node's name is tied to its token (see AgentAdmission). */
  nodeTokens?: ReadonlyMap<string, string>;
  /** Agents remembered at most, and so node labels in /metrics (default 512). */
  maxAgents?: number;
  now?: () => number;
  /** How often each agent's clock offset is measured again. */
  clockIntervalMs?: number;
}

interface AgentData {
  hello: AgentHello;
  agent: AgentRecord<AgentState>;
}

type AgentSocket = Socket<AgentToServerEvents, ServerToAgentEvents, Record<string, never>, AgentData>;

interface AgentState {
  clock: ClockOffsetEstimator;
  lastBatchSeq: number;
}

/**
 * Takes probe results pushed by agents (one per node): authenticates each agent, measures its clock
 * offset by round trips, maps its runs onto the server's clock with that uncertainty, and stores a batch
 * re-sent after a reconnect only once.
 */
/** Without an agent the data plane is unmeasured: waiting, not live. */
function agentsStatus(name: string, count: number): SourceStatus {
  return count === 0 ? { name, state: 'waiting', detail: 'no agents connected' } : { name, state: 'live', detail: `${count} agent${count === 1 ? '' : 's'}` };
}

export class ProbeSource implements Source {
  readonly name = 'probe';
  private namespace: Namespace<AgentToServerEvents, ServerToAgentEvents, Record<string, never>, AgentData> | undefined;
  private readonly admission: AgentAdmission<AgentState>;
  /** Nodes that have a series in /metrics, removed once no remembered agent names them. */
  private readonly labelledNodes = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => number;

  constructor(private readonly options: ProbeSourceOptions) {
    this.now = options.now ?? Date.now;
    this.admission = new AgentAdmission({
      token: options.token,
      ...(options.nodeTokens ? { nodeTokens: options.nodeTokens } : {}),
      ...(options.maxAgents !== undefined ? { maxAgents: options.maxAgents } : {}),
      now: this.now,
    });
  }

  private pruneNodeLabels(context: SourceContext): void {
    this.admission.forget();
    const named = this.admission.nodes();
    for (const node of this.labelledNodes) {
      if (named.has(node)) continue;
      context.metrics.probeResultsIngested.remove({ node });
      this.labelledNodes.delete(node);
    }
  }

  async start(context: SourceContext): Promise<void> {
    const namespace = context.sockets.of(AGENTS_NAMESPACE) as Namespace<AgentToServerEvents, ServerToAgentEvents, Record<string, never>, AgentData>;
    this.namespace = namespace;
    namespace.use((socket, next) => {
      const hello = agentHelloSchema.safeParse(socket.handshake.auth);
      if (!hello.success) {
        context.reject('agent handshake invalid');
        return next(new Error('invalid agent handshake: expected {token, node, agentId}'));
      }
      const admitted = this.admission.admit(hello.data, socket.handshake.address, () => ({ clock: new ClockOffsetEstimator(), lastBatchSeq: -1 }));
      if (!admitted.ok) {
        // Throttled attempts are counted, not logged: a flood of them must not fill the log as well.
        if (admitted.reason === 'agent credential throttled') context.metrics.rejectedInputs.inc({ source: this.name, reason: admitted.reason });
        else context.reject(admitted.reason);
        return next(new Error(admitted.error));
      }
      socket.data.hello = hello.data;
      socket.data.agent = admitted.agent;
      this.pruneNodeLabels(context);
      next();
    });
    namespace.on('connection', (socket) => this.onAgent(socket, context));
    context.status(agentsStatus(this.name, 0));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    this.namespace?.disconnectSockets(true);
  }

  private reportAgents(context: SourceContext): void {
    const count = this.namespace?.sockets.size ?? 0;
    context.metrics.agentsConnected.set(count);
    context.status(agentsStatus(this.name, count));
  }

  private measureClock(socket: AgentSocket, state: AgentState): Promise<void> {
    const serverSent = this.now();
    return socket
      .timeout(5000)
      .emitWithAck('clock')
      .then((agentTime: unknown) => {
        if (typeof agentTime === 'number' && Number.isFinite(agentTime)) state.clock.add({ serverSent, agentTime, serverReceived: this.now() });
      })
      .catch(() => undefined);
  }

  private onAgent(socket: AgentSocket, context: SourceContext): void {
    const { node, agentId } = socket.data.hello;
    const record = socket.data.agent;
    this.admission.connect(record);
    const agent = record.data;
    this.reportAgents(context);
    // A few quick round trips at connect: the shortest one bounds the offset best.
    const handshake = (async () => {
      for (let i = 0; i < 3; i++) await this.measureClock(socket, agent);
    })();
    const timer = setInterval(() => void this.measureClock(socket, agent), this.options.clockIntervalMs ?? 10_000);
    this.timers.add(timer);
    const limiter = new RateLimiter(AGENT_LIMITS.maxBatchesPerSecond, AGENT_LIMITS.maxBatchesPerSecond * 2, this.now);

    socket.on('batch', (raw: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (result: BatchAck) => void) : () => {};
      if (!limiter.take()) {
        // Counted, not lost: the agent keeps the batch and sends it again when a token is back.
        context.reject('agent rate limit');
        return reply({ ok: false, error: 'rate limit exceeded: slow down', retryAfterMs: limiter.msUntilNext() });
      }
      const parsed = agentBatchSchema.safeParse(raw);
      if (!parsed.success) {
        context.reject('invalid agent batch', parsed.error.issues.slice(0, 3));
        return reply({ ok: false, error: `invalid batch: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
      }
      const batch = parsed.data;
      if (batch.batchSeq <= agent.lastBatchSeq) return reply({ ok: true, batchSeq: batch.batchSeq, duplicate: true });
      void handshake.then(() => {
        // Checked again: a re-sent copy may have been accepted while this one waited for the handshake.
        if (batch.batchSeq <= agent.lastBatchSeq) return reply({ ok: true, batchSeq: batch.batchSeq, duplicate: true });
        agent.lastBatchSeq = batch.batchSeq;
        const at = this.now();
        const offset = agent.clock.estimate ?? { offsetMs: 0, uncertaintyMs: Number.POSITIVE_INFINITY };
        // Whole ms: the offset is known to a few ms at best, and whole numbers keep recording lines compact.
        const toServer = (t: number) => Math.round(t - offset.offsetMs);
        const outside = checkBatchTimes(batch, toServer, at);
        if (outside) {
          context.reject('agent time out of window', outside);
          return reply({ ok: false, error: `invalid batch: ${outside}` });
        }
        if (batch.runs.length > 0) {
          const runs = batch.runs.map((run): ProbeRunTuple => {
            const mapped: ProbeRunTuple = [...run];
            mapped[4] = toServer(run[4]);
            mapped[5] = toServer(run[5]);
            return mapped;
          });
          let results = 0;
          for (const run of runs) results += run[6];
          context.metrics.probeResultsIngested.inc({ node }, results);
          this.labelledNodes.add(node);
          context.emit({
            type: 'probes',
            at,
            node,
            target: batch.target,
            intervalMs: batch.intervalMs,
            offsetUncertaintyMs: Number.isFinite(offset.uncertaintyMs) ? offset.uncertaintyMs : 0,
            runs,
          });
        }
        for (const sync of batch.proxySyncs) {
          if (typeof sync === 'number') {
            context.emit({ type: 'dataplane', at, node, observation: 'proxy-sync', syncedAt: toServer(sync), upperBound: true });
            continue;
          }
          const event: DataPlaneEventInput = { type: 'dataplane', at, node, observation: 'proxy-sync', syncedAt: toServer(sync.syncedAt), upperBound: sync.upperBound, target: batch.target };
          if (sync.notBefore !== undefined) event.notBefore = toServer(sync.notBefore);
          if (sync.endpoints !== undefined) event.endpoints = sync.endpoints;
          if (sync.rulesReadAt !== undefined) event.rulesReadAt = toServer(sync.rulesReadAt);
          context.emit(event);
        }
        if (batch.droppedResults > 0) {
          context.emit({
            type: 'gap',
            at,
            source: `${this.name}/${node}`,
            reason: 'agent-offline',
            node,
            from: batch.droppedFrom !== undefined ? toServer(batch.droppedFrom) : batch.runs[0] ? toServer(batch.runs[0][4]) : at,
            detail: `agent ${agentId} dropped ${batch.droppedResults} results it could not deliver (its buffer full while the server was unreachable, or batches refused for what they held)`,
          });
        }
        reply({ ok: true, batchSeq: batch.batchSeq, duplicate: false });
      });
    });

    socket.on('disconnect', () => {
      clearInterval(timer);
      this.timers.delete(timer);
      this.admission.disconnect(record);
      this.pruneNodeLabels(context);
      this.reportAgents(context);
    });
  }
}
