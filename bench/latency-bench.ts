import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { type Socket, io } from 'socket.io-client';
import type { CutoverEvent } from '../lib/events/event-schema';
import { type ClientToServerEvents, type ServerToClientEvents, type Snapshot, UI_NAMESPACE } from '../lib/socket-contract';
import { createLogger } from '../server/logger';
import { startSession } from '../server/session/start-session';

/**
 * Watch event → browser socket latency, as `serve --lab` runs: the lab, the kube and probe sources, the
 * lab's in-process agents probing, the session recorder, and a socket.io client on /ui subscribed as the
 * page subscribes. Each change is a merge patch of a label on the Deployment through the lab's API (the
 * slim projection keeps labels, so each write is an event Cutover keeps); its latency is from issuing the
 * write to the /ui client receiving the event that carries that label value. The event's `at` (the
 * server's receive time) splits it into write → informer and informer → client, the latter including the
 * /ui batch window (≤ 50 ms by design). Overridable: LATENCY_BENCH_CHANGES, LATENCY_BENCH_GAP_MS.
 */

const CHANGES = Number(process.env.LATENCY_BENCH_CHANGES ?? 200) || 200;
const GAP_MS = Number(process.env.LATENCY_BENCH_GAP_MS ?? 10) || 10;
const WARMUP_CHANGES = 20;
const LABEL = 'cutover.dev/bench-seq';

type UiSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Figures = Record<string, number | string>;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(1);
  return `p50 ${f(percentile(sorted, 50))} · p95 ${f(percentile(sorted, 95))} · p99 ${f(percentile(sorted, 99))} · max ${f(sorted[sorted.length - 1] ?? Number.NaN)}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runLatencyBench(): Promise<Figures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-latency-bench-'));
  const session = await startSession({
    lab: { scenario: 'fixed' },
    agentToken: 'latency-bench-token',
    record: { dir, tool: 'latency-bench' },
    logger: createLogger('error'),
  });
  const lab = session.lab;
  let socket: UiSocket | undefined;
  try {
    if (!lab) throw new Error('the session started without its lab');
    const total = WARMUP_CHANGES + CHANGES;
    // Per change: when the write was issued (Date.now and performance.now), answered, and seen on /ui.
    const issued = new Array<number>(total).fill(Number.NaN);
    const issuedWall = new Array<number>(total).fill(Number.NaN);
    const answered = new Array<number>(total).fill(Number.NaN);
    const received = new Array<number>(total).fill(Number.NaN);
    const serverAt = new Array<number>(total).fill(Number.NaN);
    let batches = 0;
    const onEvents = (events: CutoverEvent[]) => {
      const now = performance.now();
      batches++;
      for (const event of events) {
        if (event.type !== 'object' || event.object.kind !== 'Deployment') continue;
        const seq = Number(event.object.meta.labels[LABEL]);
        if (!Number.isInteger(seq) || seq < 0 || seq >= total || !Number.isNaN(received[seq])) continue;
        received[seq] = now;
        serverAt[seq] = event.at;
      }
    };

    const ui: UiSocket = io(`${session.server.url}${UI_NAMESPACE}`, { transports: ['websocket'], forceNew: true });
    socket = ui;
    const snapshot = new Promise<Snapshot>((resolve) => ui.once('snapshot', resolve));
    ui.on('events', onEvents);
    const ack = await ui.timeout(10_000).emitWithAck('subscribe', { namespace: lab.namespace });
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error}`);
    await snapshot;

    const url = `${lab.apiUrl}/apis/apps/v1/namespaces/${lab.namespace}/deployments/${lab.deploymentName}`;
    const load: number[] = [loadavg()[0] ?? 0];
    for (let i = 0; i < total; i++) {
      const start = performance.now();
      issued[i] = start;
      issuedWall[i] = Date.now();
      const res = await fetch(url, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { labels: { [LABEL]: String(i) } } }),
      });
      answered[i] = performance.now();
      if (!res.ok) throw new Error(`patch ${i} failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      const wait = GAP_MS - (performance.now() - start);
      if (wait > 0) await sleep(wait);
    }
    const deadline = Date.now() + 10_000;
    while (received.some((r) => Number.isNaN(r)) && Date.now() < deadline) await sleep(20);
    load.push(loadavg()[0] ?? 0);

    const measured = (values: (i: number) => number) => {
      const out: number[] = [];
      for (let i = WARMUP_CHANGES; i < total; i++) {
        const v = values(i);
        if (Number.isFinite(v)) out.push(v);
      }
      return out;
    };
    const endToEnd = measured((i) => (received[i] as number) - (issued[i] as number));
    const toInformer = measured((i) => (serverAt[i] as number) - (issuedWall[i] as number));
    const toClient = measured((i) => (received[i] as number) - (issued[i] as number) - ((serverAt[i] as number) - (issuedWall[i] as number)));
    const writes = measured((i) => (answered[i] as number) - (issued[i] as number));
    const missing = CHANGES - endToEnd.length;
    return {
      'changes (after warm-up)': `${CHANGES} label patches on the Deployment, ${GAP_MS} ms apart (+${WARMUP_CHANGES} warm-up)`,
      'setup': `lab '${lab.scenario.name}' (${lab.nodes.length} nodes, agents probing every ${lab.scenario.probeIntervalMs} ms), recording on`,
      'write → /ui client ms': summary(endToEnd),
      'p99 write → /ui client ms': Number(percentile([...endToEnd].sort((a, b) => a - b), 99).toFixed(1)),
      '  write → informer (event at) ms': summary(toInformer),
      '  informer → /ui client ms': summary(toClient),
      '  write answered (PATCH) ms': summary(writes),
      '/ui batches received': batches,
      'changes not seen on /ui': missing,
      'load average (1 min) before, after': load.map((l) => l.toFixed(1)).join(', '),
    };
  } finally {
    socket?.disconnect();
    await session.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
