import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../events/event-schema';
import { realEvents } from '../fixtures/real-apiserver/real-events.test-support';
import { measureAll } from '../measure/measure-rollout';
import { ScenarioBuilder } from '../testing/scenario-builder';
import { createFoldState } from './fold-state';
import type { FoldState } from './fold-types';
import { foldEvents } from './reduce';

/** Everything a view can read off the state, in a comparable form. */
function digest(state: FoldState): string {
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({
    measurements: measureAll(state),
    pods: sorted(state.pods),
    endpoints: sorted(state.endpoints).map(([k, e]) => [k, { ...e, bySlice: [...e.bySlice], serviceNames: [...e.serviceNames] }]),
    nodes: sorted(state.nodes).map(([k, n]) => [k, n.runs, n.intervalMs, n.maxUncertaintyMs]),
    gaps: state.gaps,
    now: state.now,
    eventCount: state.eventCount,
  });
}

function splitAt(events: readonly CutoverEvent[], cuts: readonly number[]): CutoverEvent[][] {
  const points = [...new Set(cuts.map((c) => Math.min(c, events.length)))].sort((a, b) => a - b);
  const out: CutoverEvent[][] = [];
  let start = 0;
  for (const p of [...points, events.length]) {
    out.push(events.slice(start, p));
    start = p;
  }
  return out;
}

function streamWithProbes(): CutoverEvent[] {
  const s = new ScenarioBuilder();
  s.deployment(0, { revision: 1, template: 'v1', replicas: 2, preStopSleep: 2 }, 'added').replicaSet(0, 'aaaa111', 1, 2, 2, 'added');
  for (const i of [1, 2]) s.pod(0, { name: `p${i}`, rs: 'aaaa111', hash: 'aaaa111', node: `n${i}`, started: true, ready: true }, 'added');
  s.slice(0, [{ pod: 'p1', node: 'n1', ready: true }, { pod: 'p2', node: 'n2', ready: true }], 'added');
  // Steady probing (runs merge), then a rollout (runs kept), then steady again.
  for (let t = 1_000; t < 30_000; t += 1_000) s.probes(t, 'n1', [['served', 'p1', t - 990, t - 10, 10], ['served', 'p2', t - 980, t - 20, 10]]);
  s.deployment(30_000, { revision: 1, template: 'v2', replicas: 2, preStopSleep: 2 }).replicaSet(30_050, 'bbbb222', 2, 1, 0, 'added');
  s.pod(30_100, { name: 'q1', rs: 'bbbb222', hash: 'bbbb222', node: 'n1', started: true, ready: true }, 'added');
  s.slice(30_200, [{ pod: 'p1', node: 'n1', ready: true }, { pod: 'p2', node: 'n2', ready: true }, { pod: 'q1', node: 'n1', ready: true }]);
  s.pod(30_300, { name: 'p1', rs: 'aaaa111', hash: 'aaaa111', node: 'n1', started: true, ready: true, deleting: true });
  s.gap(31_000, 30_500, 'watch-reconnect').gap(32_000, 31_500, 'agent-offline', 'n1').marker(33_000, 'half way');
  for (let t = 31_000; t < 60_000; t += 1_000) s.probes(t, 'n1', [['served', 'q1', t - 990, t - 10, 10], ['served', t < 34_000 ? 'p1' : 'p2', t - 980, t - 20, 10], ['timeout', null, t - 500, t - 500, 1]]);
  return s.build();
}

describe('folding is deterministic whatever the batching', () => {
  const streams: [string, CutoverEvent[]][] = [
    ['hand-built stream with probes and gaps', streamWithProbes()],
    ['real recording (watch)', realEvents('rolling-update', 'watch')],
    ['real recording (watch from list rv)', realEvents('rolling-update', 'watch-from-list-rv')],
  ];

  it.each(streams)('%s: one go equals any split into batches', (_name, events) => {
    const whole = digest(foldEvents(events));
    fc.assert(
      fc.property(fc.array(fc.nat({ max: events.length }), { maxLength: 12 }), (cuts) => {
        let state = createFoldState();
        for (const batch of splitAt(events, cuts)) state = foldEvents(batch, state);
        expect(digest(state)).toBe(whole);
      }),
      { numRuns: 60 },
    );
  });

  it.each(streams)('%s: a resumed stream that repeats events gives the same state', (_name, events) => {
    const whole = digest(foldEvents(events));
    fc.assert(
      fc.property(fc.nat({ max: events.length }), fc.nat({ max: 20 }), (cut, overlap) => {
        const state = foldEvents(events.slice(0, cut));
        foldEvents(events.slice(Math.max(0, cut - overlap)), state);
        expect(digest(state)).toBe(whole);
        expect(state.duplicates).toBe(Math.min(cut, overlap));
      }),
      { numRuns: 40 },
    );
  });
});
