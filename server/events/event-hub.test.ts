import { describe, expect, it } from 'vitest';
import { EventHub } from './event-hub';

describe('EventHub', () => {
  it('numbers events in order and replays what came after a sequence number', () => {
    const hub = new EventHub();
    const seen: number[] = [];
    hub.subscribe((e) => seen.push(e.seq));
    for (let i = 0; i < 5; i++) hub.publish({ type: 'marker', at: 1000 + i, label: `m${i}` });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(hub.since(3).map((e) => e.seq)).toEqual([4, 5]);
    expect(hub.since().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(hub.since(5)).toEqual([]);
    expect(hub.lastSeq).toBe(5);
  });
});
