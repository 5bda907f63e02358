import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { type Socket, io } from 'socket.io-client';
import type { CutoverEvent } from '../../lib/events/event-schema';
import type { FoldState } from '../../lib/fold/fold-types';
import { foldEvents } from '../../lib/fold/reduce';
import { type RolloutMeasurements, measureAll } from '../../lib/measure/measure-rollout';
import { type ClientToServerEvents, type ServerToClientEvents, UI_NAMESPACE } from '../../lib/socket-contract';
import { ProbeAgent } from '../../server/agent/probe-agent';
import { type AppServer, createAppServer } from '../../server/app-server';
import { LabCluster } from '../../server/lab/lab-cluster';
import { type Scenario, type ScenarioInput, scenarioSchema } from '../../server/lab/scenarios/scenario-schema';
import { createLogger } from '../../server/logger';
import { KubeSource } from '../../server/sources/kube/kube-source';
import { ProbeSource } from '../../server/sources/probe/probe-source';

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

/**
 * The wiring of `cutover serve --lab --no-web` (server/cli/serve-command.ts): the lab, an app server with
 * the kube and probe sources, one in-process probe agent per lab node through that node's proxy, and a
 * browser-like /ui client.
 */
export async function startLabSession(scenario: Scenario, timeScale: number): Promise<LabSession> {
  const lab = await LabCluster.start({ scenario, timeScale });
  const stops: Array<() => Promise<void>> = [() => lab.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(lab.kubeconfig());
    const token = randomBytes(24).toString('base64url');
    const server = await createAppServer({
      port: 0,
      logger: createLogger(process.env.CUTOVER_LOG_LEVEL ?? 'warn'),
      sources: [new ProbeSource({ token }), new KubeSource({ kubeConfig, namespace: lab.namespace })],
    });
    stops.push(() => server.close());
    const ui = await UiClient.connect(server.url, lab.namespace);
    stops.push(async () => ui.close());
    const dataPlane = lab.dataPlane;
    if (!dataPlane) throw new Error('the lab has no data plane');
    const agents = lab.nodes.map(
      (node) =>
        new ProbeAgent({
          serverUrl: server.url,
          token,
          node,
          agentId: `lab-${node}`,
          target: dataPlane.nodeProxyUrl(node),
          intervalMs: lab.scenario.probeIntervalMs,
          timeoutMs: 900,
          keepAlive: false,
          identityHeader: 'X-Cutover-Pod',
        }),
    );
    let agentsStopped = false;
    const stopAgents = async () => {
      if (agentsStopped) return;
      agentsStopped = true;
      await Promise.all(agents.map((agent) => agent.stop(2000)));
    };
    stops.push(stopAgents);
    for (const agent of agents) agent.start();
    return {
      lab,
      server,
      agents,
      ui,
      async drainAgents() {
        await stopAgents();
        await waitFor(() => (ui.seq >= server.hub.lastSeq ? true : undefined), 5000, 'the browser to receive every event');
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
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
