// The simulated probe agents of the ingest bench. They run in their own process (started by
// ingest-bench.ts) so the server's CPU time is the server's alone.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { type Socket, io } from 'socket.io-client';
import { z } from 'zod';
import { AGENTS_NAMESPACE, type AgentBatchInput, type AgentToServerEvents, type ServerToAgentEvents } from '../lib/agent-contract';
import type { ProbeOutcome } from '../lib/probes/probe-run';
import { ProbeRunAccumulator } from '../lib/probes/probe-run-accumulator';

export interface AgentsConfig {
  url: string;
  token: string;
  agents: number;
  /** Synthetic probe interval per agent: a batch holds batchMs / intervalMs results. */
  intervalMs: number;
  /** What one batch covers, as ProbeAgent's default cut (250 ms). */
  batchMs: number;
  /** Least real time between two batches of one agent, under the server's 50 batches/s per agent limit. */
  minGapMs: number;
  /** Pods behind the probed Service (round-robin); one is replaced every `replaceEveryMs` of synthetic time. */
  pods: number;
  replaceEveryMs: number;
  /** The child exits by itself after this long, whatever happens to its parent. */
  maxMs: number;
}

/** What the child prints when stopped (one JSON line), read back by the bench. */
export const agentsReportSchema = z.object({
  connected: z.number(),
  batchesAcked: z.number(),
  duplicates: z.number(),
  refused: z.number(),
  ackTimeouts: z.number(),
  results: z.number(),
  runs: z.number(),
  cpuMs: z.number(),
  errors: z.array(z.string()),
});
export type AgentsReport = z.infer<typeof agentsReportSchema>;

type AgentSocket = Socket<ServerToAgentEvents, AgentToServerEvents>;

/**
 * One node's agent: the real agent's socket options, auth and clock answer (with a skewed clock, as a
 * real node may have), and batches built by the real ProbeRunAccumulator from results that go round-robin
 * over the Service's pods while a rollout keeps replacing them, with a few failures. Its clock runs
 * ahead of real time when the server takes batches faster than one per batchMs.
 */
class SimulatedAgent {
  readonly socket: AgentSocket;
  private readonly skewMs = Math.round((Math.random() - 0.5) * 100);
  private readonly accumulator = new ProbeRunAccumulator();
  private pods: Array<{ name: string; revision: string }>;
  private next: number;
  private synthetic: number;
  private nextReplace: number;
  private replaced = 0;
  private batchSeq = 0;

  constructor(
    private readonly config: AgentsConfig,
    private readonly index: number,
    private readonly report: AgentsReport,
  ) {
    this.socket = io(`${config.url}${AGENTS_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      auth: { token: config.token, node: `node-${index}`, agentId: `bench-${index}-${randomUUID()}` },
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
    });
    this.socket.on('clock', (ack) => ack(Date.now() + this.skewMs));
    this.socket.on('connect_error', (error) => this.error(`connect: ${error.message}`));
    this.pods = Array.from({ length: config.pods }, (_, k) => ({ name: `web-rev1-${k}`, revision: 'rev1' }));
    this.next = index % config.pods;
    this.synthetic = Date.now() + this.skewMs;
    this.nextReplace = this.synthetic + config.replaceEveryMs;
  }

  private error(message: string): void {
    if (this.report.errors.length < 10) this.report.errors.push(`agent ${this.index}: ${message}`);
  }

  private result(): void {
    const t = this.synthetic;
    this.synthetic += this.config.intervalMs;
    if (t >= this.nextReplace) {
      // A rolling update: the oldest pod goes, one of the next revision comes.
      this.replaced++;
      const revision = `rev${1 + Math.floor(this.replaced / this.config.pods) + 1}`;
      this.pods.shift();
      this.pods.push({ name: `web-${revision}-${this.replaced}`, revision });
      this.nextReplace += this.config.replaceEveryMs;
    }
    const pod = this.pods[this.next++ % this.pods.length];
    if (!pod) return;
    const roll = Math.random();
    let outcome: ProbeOutcome = 'served';
    if (roll < 0.004) outcome = 'refused';
    else if (roll < 0.007) outcome = 'reset';
    else if (roll < 0.008) outcome = 'timeout';
    else if (roll < 0.01) outcome = 'http-error';
    const served = outcome === 'served' || outcome === 'http-error';
    this.accumulator.add({
      time: t,
      outcome,
      pod: outcome === 'timeout' ? undefined : pod.name,
      revision: served ? pod.revision : undefined,
      status: outcome === 'served' ? 200 : outcome === 'http-error' ? 503 : undefined,
      latencyMs: outcome === 'timeout' ? 900 : 0.5 + Math.random() * 4,
    });
  }

  private cut(): AgentBatchInput {
    const end = this.synthetic + this.config.batchMs;
    while (this.synthetic < end) this.result();
    const runs = this.accumulator.flush();
    return { batchSeq: this.batchSeq++, target: 'http://web.bench.svc.cluster.local/', intervalMs: this.config.intervalMs, runs, proxySyncs: [] };
  }

  /** Sends batches one at a time, each until acknowledged, as ProbeAgent's pump does, until `stopped()`. */
  async pump(stopped: () => boolean): Promise<void> {
    let batch = this.cut();
    while (!stopped()) {
      const started = Date.now();
      try {
        const ack = await this.socket.timeout(5000).emitWithAck('batch', batch);
        if (!ack.ok) {
          this.report.refused++;
          this.error(`refused: ${ack.error}`);
        } else if (ack.duplicate) this.report.duplicates++;
        else {
          this.report.batchesAcked++;
          this.report.runs += batch.runs.length;
          for (const run of batch.runs) this.report.results += run[6];
        }
        batch = this.cut();
      } catch {
        this.report.ackTimeouts++; // kept and sent again, as the agent does
      }
      const wait = this.config.minGapMs - (Date.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** The child's main: connect every agent, say `ready`, pump on `go`, report one JSON line on `stop`. */
export async function runAgentsChild(config: AgentsConfig): Promise<void> {
  const hardStop = setTimeout(() => process.exit(3), config.maxMs);
  hardStop.unref();
  const report: AgentsReport = { connected: 0, batchesAcked: 0, duplicates: 0, refused: 0, ackTimeouts: 0, results: 0, runs: 0, cpuMs: 0, errors: [] };
  const agents = Array.from({ length: config.agents }, (_, i) => new SimulatedAgent(config, i, report));
  const deadline = Date.now() + 20_000;
  while (agents.some((a) => !a.socket.connected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  report.connected = agents.filter((a) => a.socket.connected).length;
  // The server measures each agent's clock with three round trips at connect before it takes batches.
  await new Promise((r) => setTimeout(r, 500));
  process.stdout.write('ready\n');

  let stopping = false;
  let pumps: Array<Promise<void>> = [];
  let cpu = process.cpuUsage();
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line === 'go') {
      cpu = process.cpuUsage();
      pumps = agents.map((a) => a.pump(() => stopping));
    } else if (line === 'stop') {
      stopping = true;
      await Promise.all(pumps);
      const used = process.cpuUsage(cpu);
      report.cpuMs = (used.user + used.system) / 1000;
      process.stdout.write(`${JSON.stringify(report)}\n`);
      for (const a of agents) a.socket.disconnect();
      break;
    }
  }
  lines.close();
  clearTimeout(hardStop);
}

const agentsConfigSchema = z.object({
  url: z.url(),
  token: z.string().min(1),
  agents: z.number().int().positive(),
  intervalMs: z.number().positive(),
  batchMs: z.number().positive(),
  minGapMs: z.number().nonnegative(),
  pods: z.number().int().positive(),
  replaceEveryMs: z.number().positive(),
  maxMs: z.number().positive(),
}) satisfies z.ZodType<AgentsConfig>;

const configArg = process.argv[2];
if (process.argv[1]?.endsWith('ingest-bench-agents.ts') && configArg !== undefined) {
  void runAgentsChild(agentsConfigSchema.parse(JSON.parse(configArg))).then(() => process.exit(0));
}
