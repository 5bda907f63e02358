import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Counter } from 'prom-client';
import { type AppServer, createAppServer } from '../server/app-server';
import { DEFAULT_RETENTION } from '../server/events/event-hub';
import { createLogger } from '../server/logger';
import { SessionRecorder } from '../server/recording/session-recorder';
import { ProbeSource } from '../server/sources/probe/probe-source';
import { type AgentsConfig, type AgentsReport, agentsReportSchema } from './ingest-bench-agents';

/**
 * Probe ingest end to end: a real app server (no web) with the real ProbeSource on 127.0.0.1, recording
 * the session into a temporary directory as `serve` does, and N simulated agents in a child process
 * speaking the agent contract as ProbeAgent does (token, clock handshake, batches of runs with batchSeq,
 * one batch in flight each). Counts the results the hub published, the server's own CPU time per result
 * (the recording's writes included), and its heap after GC per quarter of the run. With the recording the
 * hub keeps only its resume window, so sampling starts once that window is full (the hub evicts): from
 * there the heap should stay flat, and what it still gains is reported per result and per run. The heap
 * after the server is closed shows nothing else stayed.
 * Overridable: INGEST_BENCH_AGENTS, INGEST_BENCH_SECONDS, INGEST_BENCH_INTERVAL_MS, INGEST_BENCH_REPLACE_MS
 * (synthetic ms between pod replacements; the fold keeps a run per pod and node), INGEST_BENCH_RECORD=0
 * (no recording: the hub keeps every event, the heap grows with the session).
 */

const AGENTS = Number(process.env.INGEST_BENCH_AGENTS ?? 100) || 100;
const SECONDS = Number(process.env.INGEST_BENCH_SECONDS ?? 12) || 12;
const INTERVAL_MS = Number(process.env.INGEST_BENCH_INTERVAL_MS ?? 20) || 20;
const RECORD = process.env.INGEST_BENCH_RECORD !== '0';
const WARMUP_MS = 2000;
/** Longest wait for the resume window to fill before sampling anyway. */
const WINDOW_WAIT_MS = 30_000;
const SAMPLES = 4;

type Figures = Record<string, number | string>;

/** `global.gc` without `--expose-gc` on the command line: the flag can still be set before a context is made. */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? () => (gc as () => void)() : undefined;
  } catch {
    return undefined;
  }
}

async function total(counter: Counter<string>): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

interface AgentsChild {
  pid: number | undefined;
  ready: Promise<void>;
  go(): void;
  stop(): Promise<AgentsReport>;
}

function startAgents(config: AgentsConfig): AgentsChild {
  const file = fileURLToPath(new URL('./ingest-bench-agents.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  let onReady: () => void = () => {};
  let onReport: (report: AgentsReport) => void = () => {};
  let onExit: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onExit = reject;
  });
  const report = new Promise<AgentsReport>((resolve, reject) => {
    onReport = resolve;
    child.once('exit', (code) => reject(new Error(`agents process exited with ${code} before reporting`)));
  });
  child.once('exit', (code) => onExit(new Error(`agents process exited with ${code}`)));
  lines.on('line', (line) => {
    if (line === 'ready') onReady();
    else if (line.startsWith('{')) onReport(agentsReportSchema.parse(JSON.parse(line)));
  });
  return {
    pid: child.pid,
    ready,
    go: () => child.stdin.write('go\n'),
    async stop() {
      child.stdin.write('stop\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        return await report;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

interface Sample {
  at: number;
  cpuMs: number;
  results: number;
  runs: number;
  events: number;
  heapMB: number;
  rssMB: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runIngestBench(): Promise<Figures> {
  const gc = exposeGc();
  const token = randomBytes(24).toString('hex');
  const counts = { events: 0, runs: 0, results: 0 };
  gc?.();
  const baselineHeapMB = mb(process.memoryUsage().heapUsed);
  let app: AppServer | undefined = await createAppServer({ sources: [new ProbeSource({ token })], logger: createLogger('error') });
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-ingest-bench-'));
  let recorder: SessionRecorder | undefined;
  if (RECORD) {
    recorder = new SessionRecorder(dir, { cluster: 'bench', startedAt: Date.now(), tool: 'ingest bench' }, 'ingest');
    await recorder.start(app.hub);
    app.hub.retainWith(recorder, DEFAULT_RETENTION);
  }
  let unsubscribe: (() => void) | undefined = app.hub.subscribe((event) => {
    if (event.type !== 'probes') return;
    counts.events++;
    counts.runs += event.runs.length;
    for (const run of event.runs) counts.results += run[6];
  });
  const config: AgentsConfig = {
    url: app.url,
    token,
    agents: AGENTS,
    intervalMs: INTERVAL_MS,
    batchMs: 250,
    minGapMs: 25,
    pods: 3,
    replaceEveryMs: Number(process.env.INGEST_BENCH_REPLACE_MS ?? 2000) || 2000,
    maxMs: (SECONDS + 60) * 1000,
  };
  const agents = startAgents(config);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const load: number[] = [];
  let stopped = false;
  try {
    await agents.ready;
    agents.go();
    await sleep(WARMUP_MS);
    const windowStart = performance.now();
    while (recorder && app.hub.floorSeq === 0 && performance.now() - windowStart < WINDOW_WAIT_MS) await sleep(100);
    const windowFilledMs = performance.now() - windowStart + WARMUP_MS;
    const samples: Sample[] = [];
    const sample = () => {
      gc?.(); // the collections are inside the measured window: their cost is counted against ingest
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      samples.push({ at: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, results: counts.results, runs: counts.runs, events: counts.events, heapMB: mb(mem.heapUsed), rssMB: mb(mem.rss) });
    };
    sample();
    loop.enable();
    for (let i = 0; i < SAMPLES; i++) {
      await sleep((SECONDS * 1000) / SAMPLES);
      load.push(loadavg()[0] ?? 0);
      sample();
    }
    loop.disable();
    stopped = true;
    const report = await agents.stop();
    const rejected = await total(app.metrics.rejectedInputs);
    const ingested = await total(app.metrics.probeResultsIngested);
    const first = samples[0];
    const last = samples[samples.length - 1];
    if (!first || !last) throw new Error('no samples');
    const results = last.results - first.results;
    const runs = last.runs - first.runs;
    const seconds = (last.at - first.at) / 1000;
    const cpuMs = last.cpuMs - first.cpuMs;
    // Heap growth per interval, per 1M results: equal figures mean linear retention (the session), no leak on top.
    const perMillion = samples.slice(1).map((s, i) => {
      const prev = samples[i] as Sample;
      return ((s.heapMB - prev.heapMB) / Math.max(1, s.results - prev.results)) * 1e6;
    });
    const retainedPerResult = ((last.heapMB - first.heapMB) * 1024 * 1024) / Math.max(1, results);
    const retainedPerRun = ((last.heapMB - first.heapMB) * 1024 * 1024) / Math.max(1, runs);
    // What the server's fold keeps of the probes: runs merge in steady state, so this grows with pod churn, not results.
    let foldRuns = 0;
    for (const track of app.measurements.foldState.nodes.values()) foldRuns += track.runs.length;
    const foldKinds = app.measurements.foldState.probeKindCount;
    const hubHeld = app.hub.retained;
    const hubFloor = app.hub.floorSeq;
    const hubLast = app.hub.lastSeq;
    await recorder?.stop();
    const fileMB = recorder ? mb((await stat(recorder.file)).size) : 0;
    await app.close();
    // Drop every reference to the session (the hub's log, the fold) before measuring what is left.
    unsubscribe();
    unsubscribe = undefined;
    app = undefined;
    recorder = undefined;
    await sleep(100);
    gc?.();
    const releasedHeapMB = mb(process.memoryUsage().heapUsed);
    if (rejected > 0 || report.refused > 0) throw new Error(`inputs rejected: server counted ${rejected}, agents saw ${report.refused} refusals: ${report.errors.join('; ')}`);
    return {
      'agents (connected)': `${AGENTS} (${report.connected})`,
      'mix': `${INTERVAL_MS} ms probes, 250 ms batches, ${config.pods} pods round-robin, one replaced every ${config.replaceEveryMs / 1000} s, ~1% failures`,
      'results/s': Math.round(results / seconds),
      'runs/s': Math.round(runs / seconds),
      'results per run': Number((results / Math.max(1, runs)).toFixed(2)),
      'batches/s': Math.round((last.events - first.events) / seconds),
      'offered ceiling results/s': Math.round(((AGENTS * 1000) / config.minGapMs) * (config.batchMs / INTERVAL_MS)),
      'server CPU % of one core': Math.round((cpuMs / (seconds * 1000)) * 100),
      'server CPU µs per result': Number(((cpuMs * 1000) / Math.max(1, results)).toFixed(2)),
      'results/s one core could take': Math.round((results / cpuMs) * 1000),
      'agents CPU ms (child, whole run)': Math.round(report.cpuMs),
      'event loop delay p99 ms': Number((loop.percentile(99) / 1e6).toFixed(1)),
      'results ingested (counter = hub)': `${ingested} = ${counts.results}`,
      'rejected inputs': rejected,
      'ack timeouts / duplicates': `${report.ackTimeouts} / ${report.duplicates}`,
      'recording': !RECORD ? 'off (INGEST_BENCH_RECORD=0): the hub keeps every event' : `${fileMB.toFixed(1)} MB written; window ${DEFAULT_RETENTION.windowEvents} events / ${DEFAULT_RETENTION.windowMs / 1000} s, full after ${(windowFilledMs / 1000).toFixed(1)} s`,
      'hub events held / published (floor)': `${hubHeld} / ${hubLast} (${hubFloor})`,
      'fold: probe runs kept / kinds (whole session)': `${foldRuns} / ${foldKinds} for ${counts.runs} runs ingested`,
      'heap MB (after GC) start→end': samples.map((s) => s.heapMB.toFixed(1)).join(' → '),
      'RSS MB start→end': samples.map((s) => s.rssMB.toFixed(0)).join(' → '),
      'heap growth MB per 1M results': perMillion.map((v) => v.toFixed(1)).join(', '),
      'retained bytes per result / run': `${Math.round(retainedPerResult)} / ${Math.round(retainedPerRun)}`,
      'heap MB: before server, after close': `${baselineHeapMB.toFixed(1)}, ${releasedHeapMB.toFixed(1)}`,
      'gc': gc ? 'forced before each sample' : 'not available: heap figures include garbage',
      'load average (1 min) during run': load.map((l) => l.toFixed(1)).join(', '),
    };
  } finally {
    loop.disable();
    if (!stopped) await agents.stop().catch(() => undefined);
    await recorder?.stop();
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
