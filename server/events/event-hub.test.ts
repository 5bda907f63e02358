import { describe, expect, it } from 'vitest';
import { type EventArchive, EventHub } from './event-hub';

/** An archive that has written what the test says (the hub reads only `writtenSeq` to evict). */
class WrittenUpTo implements EventArchive {
  writtenSeq = 0;
  async open(): Promise<AsyncIterable<string>> {
    return (async function* () {})();
  }
}

const marker = (i: number) => ({ type: 'marker' as const, at: 1000 + i, label: `m${i}` });
const seqs = (hub: EventHub, after: number) => hub.since(after).map((e) => e.seq);

describe('EventHub', () => {
  it('numbers events in order and replays what came after a sequence number', () => {
    const hub = new EventHub();
    const seen: number[] = [];
    hub.subscribe((e) => seen.push(e.seq));
    for (let i = 0; i < 5; i++) hub.publish(marker(i));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(hub, 3)).toEqual([4, 5]);
    expect(hub.since().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(hub.since(5)).toEqual([]);
    expect(hub.lastSeq).toBe(5);
  });

  it('keeps every event without an archive', () => {
    let now = 0;
    const hub = new EventHub(() => now);
    for (let i = 0; i < 30_000; i++) {
      now += 1000;
      hub.publish(marker(i));
    }
    expect(hub.floorSeq).toBe(0);
    expect(hub.retained).toBe(30_000);
    expect(hub.since(0)).toHaveLength(30_000);
  });

  it('evicts only what the archive has written, beyond the last windowEvents', () => {
    let now = 0;
    const hub = new EventHub(() => now);
    const archive = new WrittenUpTo();
    hub.retainWith(archive, { windowEvents: 3, windowMs: 60_000 });
    for (let i = 0; i < 10; i++) hub.publish(marker(i));
    expect(hub.floorSeq).toBe(0); // nothing written yet: everything stays
    archive.writtenSeq = 6;
    hub.evict();
    expect(hub.floorSeq).toBe(6);
    expect(seqs(hub, 6)).toEqual([7, 8, 9, 10]);
    expect(seqs(hub, 8)).toEqual([9, 10]);
    expect(() => hub.since(5)).toThrow(RangeError);
    expect(() => hub.since(0)).toThrow(/evicted/);
    archive.writtenSeq = 10;
    hub.publish(marker(10)); // publishing evicts too: seq 11 is the last, the window the last 3
    expect(hub.floorSeq).toBe(8);
    expect(seqs(hub, 8)).toEqual([9, 10, 11]);
    expect(hub.retained).toBe(3);
  });

  it('evicts written events older than windowMs even within windowEvents (injected clock)', () => {
    let now = 0;
    const hub = new EventHub(() => now);
    const archive = new WrittenUpTo();
    hub.retainWith(archive, { windowEvents: 100, windowMs: 1000 });
    for (let i = 0; i < 5; i++) hub.publish(marker(i)); // published at 0
    archive.writtenSeq = 5;
    now = 500;
    hub.publish(marker(5));
    expect(hub.floorSeq).toBe(0);
    now = 1000;
    hub.evict();
    expect(hub.floorSeq).toBe(0); // exactly windowMs old: still in the window
    now = 1001;
    archive.writtenSeq = 6;
    hub.publish(marker(6));
    expect(hub.floorSeq).toBe(5); // the ones from t=0 go; the one from t=500 stays
    expect(seqs(hub, 5)).toEqual([6, 7]);
  });

  it('evicts events published before retainWith once they are written', () => {
    const hub = new EventHub(() => 0);
    for (let i = 0; i < 5; i++) hub.publish(marker(i));
    const archive = new WrittenUpTo();
    hub.retainWith(archive, { windowEvents: 2, windowMs: 0 });
    expect(hub.floorSeq).toBe(0);
    archive.writtenSeq = 5;
    hub.evict();
    expect(hub.floorSeq).toBe(3);
    expect(seqs(hub, 3)).toEqual([4, 5]);
  });

  it('stays bounded and consistent over a long session (compaction keeps seq → index right)', () => {
    let now = 0;
    const hub = new EventHub(() => now);
    const archive = new WrittenUpTo();
    hub.retainWith(archive, { windowEvents: 50, windowMs: 10 });
    let most = 0;
    for (let i = 0; i < 100_000; i++) {
      now = i;
      const event = hub.publish(marker(i));
      archive.writtenSeq = Math.max(0, event.seq - 7); // the file lags a few writes behind
      most = Math.max(most, hub.retained);
      if (i % 9973 === 0 && hub.floorSeq > 0) {
        const held = hub.since(hub.floorSeq).map((e) => e.seq);
        expect(held[0]).toBe(hub.floorSeq + 1);
        expect(held.at(-1)).toBe(event.seq);
        expect(held).toHaveLength(hub.retained);
      }
    }
    // With windowMs = 10 ms at one event per ms, the time window (11 events) is the smaller: ~ it plus the unwritten 7.
    expect(most).toBeLessThanOrEqual(20);
    expect(hub.floorSeq).toBe(100_000 - hub.retained);
    expect(seqs(hub, 99_998)).toEqual([99_999, 100_000]);
  });
});
