import { describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { formatRecording } from '../../lib/recording/recording-writer';
import { type EventArchive, EventHub } from '../events/event-hub';
import { type LiveSink, startLive } from './live-subscription';

/**
 * A recording in memory: what it has written is what a reader opening it now sees. Opening takes a copy, as
 * a file read that reached its end before later writes would.
 */
class MemoryArchive implements EventArchive {
  writtenSeq = 0;
  readonly events: CutoverEvent[] = [];
  opened = 0;
  constructor(hub: EventHub) {
    hub.subscribe((event) => this.events.push(event));
  }
  async open(afterSeq = 0): Promise<AsyncIterable<string>> {
    this.opened++;
    const text = formatRecording({ cluster: 'test', startedAt: 0, tool: 'test' }, this.events.slice(afterSeq, this.writtenSeq));
    return (async function* () {
      for (let i = 0; i < text.length; i += 4096) yield text.slice(i, i + 4096);
    })();
  }
}

const publishMany = (hub: EventHub, archive: MemoryArchive, n: number) => {
  for (let i = 0; i < n; i++) hub.publish({ type: 'marker', at: hub.lastSeq, label: `m${hub.lastSeq}` });
  archive.writtenSeq = hub.lastSeq;
  hub.evict();
};

/** A sink that records what was sent and how, and runs `whileSending` at each wait for the transport. */
function recordingSink(hub: EventHub, whileSending: () => void) {
  const sent: Array<{ kind: 'snapshot' | 'events' | 'live'; events: CutoverEvent[] }> = [];
  const failures: string[] = [];
  const sink: LiveSink = {
    current: () => true,
    snapshot: (events) => sent.push({ kind: 'snapshot', events }),
    events: (events) => sent.push({ kind: 'events', events }),
    subscribe: () => void hub.subscribe((event) => sent.push({ kind: 'live', events: [event] })),
    drained: async () => whileSending(),
    failed: (message) => failures.push(message),
  };
  return { sink, sent, failures, seqs: () => sent.flatMap((m) => m.events.map((e) => e.seq)) };
}

describe('startLive', () => {
  it('takes everything from memory, synchronously, when nothing was evicted', () => {
    const hub = new EventHub();
    for (let i = 0; i < 10; i++) hub.publish({ type: 'marker', at: i, label: `m${i}` });
    const out = recordingSink(hub, () => {});
    void startLive({ hub, admit: () => true, from: 4, scanFrom: 4 }, out.sink);
    expect(out.sent.map((m) => m.kind)).toEqual(['snapshot']);
    expect(out.seqs()).toEqual([5, 6, 7, 8, 9, 10]);
  });

  it('reads the archive again when the floor passed the end of what it read, then switches with no gap', async () => {
    const hub = new EventHub(() => 0);
    const archive = new MemoryArchive(hub);
    hub.retainWith(archive, { windowEvents: 100, windowMs: 60_000 });
    publishMany(hub, archive, 5000);
    expect(hub.floorSeq).toBe(4900);
    // Every wait for the transport (one per 4 KB chunk, ~40 lines) lets 20 more events in: the floor runs
    // ahead of the copy being read, by less each time.
    const out = recordingSink(hub, () => publishMany(hub, archive, 20));
    await startLive({ hub, admit: (e) => e.seq % 7 !== 0, from: 0, scanFrom: 0, snapshotEvents: 1500 }, out.sink);
    expect(archive.opened).toBeGreaterThan(1);
    publishMany(hub, archive, 50); // increments after the switch
    const expected = Array.from({ length: hub.lastSeq }, (_, k) => k + 1).filter((seq) => seq % 7 !== 0);
    expect(out.failures).toEqual([]);
    expect(out.sent[0]?.kind).toBe('snapshot');
    expect(out.sent.filter((m) => m.kind === 'snapshot')).toHaveLength(1);
    // The live messages are the 50 published after the switch (all of them: the sink's listener is unfiltered).
    expect(out.sent.filter((m) => m.kind === 'live')).toHaveLength(50);
    expect(out.sent.filter((m) => m.kind !== 'live').flatMap((m) => m.events.map((e) => e.seq))).toEqual(expected.filter((seq) => seq <= hub.lastSeq - 50));
  });

  it('reports a recording that ends before the floor it confirmed, and does not go live', async () => {
    const hub = new EventHub(() => 0);
    const archive = new MemoryArchive(hub);
    hub.retainWith(archive, { windowEvents: 10, windowMs: 60_000 });
    publishMany(hub, archive, 100);
    archive.events.length = 50; // the file lost its second half
    const out = recordingSink(hub, () => {});
    await startLive({ hub, admit: () => true, from: 0, scanFrom: 0 }, out.sink);
    expect(out.failures).toEqual([expect.stringContaining('ends before event 90')]);
    expect(out.sent.some((m) => m.kind === 'live')).toBe(false);
  });
});
