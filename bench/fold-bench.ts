import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { CutoverEvent } from '../lib/events/event-schema';
import { createFoldState } from '../lib/fold/fold-state';
import type { FoldState } from '../lib/fold/fold-types';
import { foldEvents, reduce } from '../lib/fold/reduce';
import { measureAll } from '../lib/measure/measure-rollout';
import { openRecording } from '../lib/recording/recording-reader';
import { formatEvent, formatHeader } from '../lib/recording/recording-writer';
import { generateFoldBenchEvents, steadyNodeHour } from './fold-bench-data';

/**
 * Fold throughput (lib, one core) on a generated 1,000,000-event recording (100-replica Deployment rolled
 * on 100 nodes: 200 pods, probe batches every 100 ms per node), the time to open and fold that file, and
 * the on-disk size of steady probing (1 h, 100 nodes, 20 probes/s per node, 1 s batches).
 */

async function writeLines(path: string, header: string, events: Iterable<CutoverEvent>): Promise<void> {
  const out = createWriteStream(path);
  let chunk = header;
  for (const e of events) {
    chunk += formatEvent(e);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
}

/** Opens and folds the file through the product's reader (the one report, replay and the browser use). */
async function openAndFold(path: string): Promise<{ state: FoldState; problems: number }> {
  const { batches } = await openRecording(createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }));
  const state = createFoldState();
  let problems = 0;
  for await (const batch of batches) {
    for (const event of batch.events) reduce(state, event);
    problems += batch.problems.length;
  }
  return { state, problems };
}

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

/** Generates the recording, folds it in memory, writes it to `file`; the events are garbage once this returns. */
async function inMemory(file: string): Promise<Record<string, number | string>> {
  let t = process.hrtime.bigint();
  const events = generateFoldBenchEvents();
  const generateMs = ms(t);
  // Fold alone, events already in memory (best of 3: the first run also warms the JIT).
  let foldMs = Infinity;
  for (let i = 0; i < 3; i++) {
    t = process.hrtime.bigint();
    foldEvents(events);
    foldMs = Math.min(foldMs, ms(t));
  }
  const state = foldEvents(events);
  t = process.hrtime.bigint();
  const [rollout] = measureAll(state);
  const measureMs = ms(t);
  await writeLines(file, formatHeader({ cluster: 'bench', namespace: 'bench', startedAt: events[0]?.at ?? 0, tool: 'cutover fold-bench' }), events);
  return {
    events: events.length,
    generateMs: Math.round(generateMs),
    foldMs: Math.round(foldMs),
    foldEventsPerSecond: Math.round(events.length / (foldMs / 1000)),
    measureAllMs: Math.round(measureMs),
    probeRunsKept: [...state.nodes.values()].reduce((sum, n) => sum + n.runs.length, 0),
    rolloutOutcome: rollout?.rollout.outcome ?? 'none',
    maxRemovalLagMs: Math.max(0, ...(rollout?.removalLagByNode.map((l) => l.lag.value) ?? [])),
    droppedInRollout: rollout?.dropped.total.value ?? 0,
  };
}

export async function runFoldBench(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-fold-bench-'));
  try {
    const file = join(dir, 'fold-bench.jsonl');
    const figures = await inMemory(file);
    figures.recordingMB = Math.round(statSync(file).size / 1e4) / 100;
    // Best of 3: the machine is shared, and the first run also warms the JIT for the reader.
    let openFoldMs = Infinity;
    let read: { state: FoldState; problems: number } | undefined;
    for (let i = 0; i < 3; i++) {
      read = undefined;
      const t = process.hrtime.bigint();
      read = await openAndFold(file);
      openFoldMs = Math.min(openFoldMs, ms(t));
    }
    figures.openAndFoldMs = Math.round(openFoldMs);
    figures.openAndFoldEventsPerSecond = Math.round((read?.state.eventCount ?? 0) / (openFoldMs / 1000));
    figures.rollouts = read ? measureAll(read.state).length : 0;
    figures.lineProblems = read?.problems ?? 0;
    rmSync(file);

    // Recording size: 100 nodes × 1 h of steady probing at 20/s, 1 s batches, 3 pods behind the Service.
    const header = formatHeader({ cluster: 'bench', namespace: 'bench', startedAt: 0, tool: 'cutover fold-bench' });
    const nodes = 100;
    function* hour(): Generator<CutoverEvent> {
      for (let n = 0; n < nodes; n++) yield* steadyNodeHour(`node-${String(n).padStart(3, '0')}`, 3, 20, n * 3600);
    }
    const sizeFile = join(dir, 'steady-hour.jsonl');
    await writeLines(sizeFile, header, hour());
    figures.steadyMBPerNodeHour3Pods = Math.round((statSync(sizeFile).size / nodes / 1e6) * 1000) / 1000;
    const sizeFile20 = join(dir, 'steady-hour-20.jsonl');
    await writeLines(sizeFile20, header, steadyNodeHour('node-000', 20, 20, 0));
    figures.steadyMBPerNodeHour20Pods = Math.round((statSync(sizeFile20).size / 1e6) * 1000) / 1000;
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runFoldBench();
