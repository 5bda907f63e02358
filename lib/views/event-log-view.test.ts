import { describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_FILTER, describeEvent, filterChoices, filterEvents, indexAtTime, logWindow } from './event-log-view';
import { smallRollout, T0 } from './rollout-fixture.test-support';

const events = smallRollout().marker(6000, 'deploy done').build();

describe('event log view', () => {
  it('hides probe batches by default and shows them on request', () => {
    expect(filterEvents(events, DEFAULT_EVENT_FILTER).some((e) => e.type === 'probes')).toBe(false);
    expect(filterEvents(events, { ...DEFAULT_EVENT_FILTER, kind: 'probes' }).map((e) => e.type === 'probes' && e.node)).toEqual(['node-a', 'node-a', 'node-b']);
  });

  it.each([
    [{ kind: 'Pod', pod: '', node: '' }, 7],
    [{ kind: 'all', pod: 'new-1', node: '' }, 10],
    [{ kind: 'all', pod: '', node: 'node-b' }, 4],
    [{ kind: 'marker', pod: '', node: '' }, 1],
  ] as const)('filter %o keeps %d events', (filter, count) => {
    expect(filterEvents(events, filter)).toHaveLength(count);
  });

  it('describes events in words', () => {
    const lines = events.map(describeEvent);
    expect(lines).toContain('ReplicaSet web-new added: 0/1 ready');
    expect(lines).toContain('Pod new-1 modified, ready on node-b');
    expect(lines).toContain('node-a: 80 served by old-1, 20 served by new-1, 5 timeout');
    expect(lines).toContain('marker: deploy done');
  });

  it.each([
    [-1, -1],
    [0, 3],
    [3150, 11],
    [1e9, events.length - 1],
  ])('at t0%+d the cursor is on event %d', (t, index) => {
    expect(indexAtTime(events, T0 + t)).toBe(index);
  });

  it('draws a window around the cursor', () => {
    const { rows, offset } = logWindow(events, 10, 3, 2);
    expect(offset).toBe(7);
    expect(rows).toEqual(events.slice(7, 13));
    expect(logWindow(events, -1, 3, 2).offset).toBe(0);
  });

  it('offers the nodes and pods seen', () => {
    expect(filterChoices(events)).toEqual({ nodes: ['node-a', 'node-b'], pods: ['new-1', 'old-1'] });
  });
});
