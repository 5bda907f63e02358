import { randomBytes } from 'node:crypto';
import { type Socket, io } from 'socket.io-client';
import type { CutoverEvent } from '../../lib/events/event-schema';
import type { FoldState } from '../../lib/fold/fold-types';
import { foldEvents } from '../../lib/fold/reduce';
import { type RolloutMeasurements, measureAll } from '../../lib/measure/measure-rollout';
import { type ClientToServerEvents, type ServerToClientEvents, UI_NAMESPACE } from '../../lib/socket-contract';
import { ProbeAgent } from '../../server/agent/probe-agent';
import type { AppServer } from '../../server/app-server';
import type { LabCluster } from '../../server/lab/lab-cluster';
import type { LabEvidence } from '../../server/lab/lab-evidence';
import { type Scenario, type ScenarioInput, scenarioSchema } from '../../server/lab/scenarios/scenario-schema';
import { createLogger } from '../../server/logger';
import { startSession } from '../../server/session/start-session';

export type UiSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A scenario built in the test, validated by the lab's own schema (so defaults are the lab's). */
export function buildScenario(input: Omit<ScenarioInput, 'version'>): Scenario {
  return scenarioSchema.parse({ version: 1, ...input });
}

/**
 * What a browser gets: a /ui socket.io client subscribed to the lab's namespace, keeping the snapshot
 * and every increment in arrival order.
 */
export class UiClient {
  readonly events: CutoverEvent[] = [];
  private readonly socket: UiSocket;
  private lastSeq = 0;

  private constructor(url: string) {
    this.socket = io(`${url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    this.socket.on('snapshot', (snapshot) => this.take(snapshot.events));
    this.socket.on('events', (batch) => this.take(batch));
  }

  static async connect(url: string, namespace: string): Promise<UiClient> {
    const client = new UiClient(url);
    const ack = await client.socket.timeout(10_000).emitWithAck('subscribe', { namespace });
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error}`);
    return client;
  }

  /** Sequence of the last event received. */
  get seq(): number {
    return this.lastSeq;
  }

  /** The events received so far folded with lib's reducer, as the browser does. */
  fold(): FoldState {
    return foldEvents(this.events);
  }

  /** Every rollout measured from the events received so far, as the browser would. */
  measure(now?: number): RolloutMeasurements[] {
    return measureAll(this.fold(), now !== undefined ? { now } : {});
  }

  /** Nodes whose probe results have arrived. */
  probedNodes(): Set<string> {
    return new Set(this.events.flatMap((e) => (e.type === 'probes' ? [e.node] : [])));
  }

  close(): void {
    this.socket.disconnect();
  }

  private take(batch: CutoverEvent[]): void {
    for (const event of batch) {
      // Snapshot and increments never overlap; a repeat would be a server bug, so fail loudly on it.
      if (event.seq <= this.lastSeq) throw new Error(`event ${event.seq} received again after ${this.lastSeq}`);
      this.lastSeq = event.seq;
      this.events.push(event);
    }
  }
}

export interface LabSession {
  lab: LabCluster;
  server: AppServer;
  agents: ProbeAgent[];
  ui: UiClient;
  /** Stops the agents (flushing what they hold), then waits until the browser has every published event. */
  drainAgents(): Promise<void>;
  stop(): Promise<void>;
}

export interface LabSessionOptions {
  /**
   * What the agents read from their node besides the Service's answers: 'node-rules' (kube-proxy's sync
   * metrics, the NAT rules and conntrack: the default), 'attributed-failures' (conntrack only) or
   * 'responses' (nothing), so a test can measure with each kind of evidence alone.
   */
  evidence?: LabEvidence;
}

/**
 * The wiring of `cutover serve --lab --no-web` (server/cli/serve-command.ts): the lab, an app server with
 * the kube and probe sources, one in-process probe agent per lab node through that node's proxy, and a
 * browser-like /ui client.
 */
export async function startLabSession(scenario: Scenario, timeScale: number, options: LabSessionOptions = {}): Promise<LabSession> {
  // Wired exactly as `cutover serve --lab` is (no pages, no recording): the product's own session code.
  const session = await startSession({
    lab: { scenario, timeScale, ...(options.evidence !== undefined ? { evidence: options.evidence } : {}) },
    agentToken: randomBytes(24).toString('base64url'),
    port: 0,
    logger: createLogger(process.env.CUTOVER_LOG_LEVEL ?? 'warn'),
  });
  const { server, agents } = session;
  const lab = session.lab;
  let ui: UiClient | undefined;
  try {
    if (!lab?.dataPlane) throw new Error('the lab has no data plane');
    ui = await UiClient.connect(server.url, lab.namespace);
  } catch (error) {
    await session.stop();
    throw error;
  }
  const client = ui;
  let agentsStopped = false;
  const stopAgents = async () => {
    if (agentsStopped) return;
    agentsStopped = true;
    await Promise.all(agents.map((agent) => agent.stop(2000)));
  };
  return {
    lab,
    server,
    agents,
    ui: client,
    async drainAgents() {
      await stopAgents();
      await waitFor(() => (client.seq >= server.hub.lastSeq ? true : undefined), 5000, 'the browser to receive every event');
    },
    async stop() {
      client.close();
      await stopAgents();
      await session.stop();
    },
  };
}

/** Polls `probe` every 50 ms until it returns a value; rejects after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string, pollMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Waits until the rollout has an outcome in what the browser received, and returns its measurements.
 * Measures once a second: the test shares its process (and timers) with the lab, the server and the agents.
 */
export async function waitForRolloutEnd(ui: UiClient, timeoutMs: number): Promise<RolloutMeasurements> {
  return waitFor(() => ui.measure().find((m) => m.rollout.outcome !== 'in-progress'), timeoutMs, 'the rollout to end and settle', 1000);
}
