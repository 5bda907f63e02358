import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { createReplicaSetHistory, recordReplicaSetEvents } from './replica-set-history';
import { selectRollout } from './rollout-selection';
import { buildTimeline } from './timeline-model';
import { smallRollout, T0 } from './rollout-fixture.test-support';

function model() {
  const events = smallRollout().build();
  const state = foldEvents(events);
  const history = recordReplicaSetEvents(createReplicaSetHistory(), events);
  const sel = selectRollout(state);
  if (!sel.deployment || !sel.measurements) throw new Error('no rollout');
  return { sel, timeline: buildTimeline(state, sel.deployment, sel.measurements, history, { mergeGapMs: 100 }) };
}

describe('buildTimeline on a one-replica rolling update', () => {
  const { sel, timeline } = model();
  const rel = (spans: readonly { from: number; to: number }[]) => spans.map((s) => [s.from - T0, s.to - T0]);

  it('selects demo/web and its one rollout', () => {
    expect(sel.deployments.map((d) => d.key)).toEqual(['demo/web']);
    expect(sel.index).toBe(0);
    expect(timeline.rolloutId).toBe('demo/web#0');
  });

  it('gives old blue and new orange', () => {
    expect(timeline.revisions.map((r) => [r.hash, r.role, r.colour])).toEqual([
      ['old', 'old', 0],
      ['new', 'new', 1],
    ]);
  });

  it('cuts each pod into phases at its transitions', () => {
    const fresh = timeline.pods.find((p) => p.name === 'new-1');
    expect(fresh?.segments.map((s) => [s.phase, s.from - T0])).toEqual([
      ['pending', 1100],
      ['started', 2000],
      ['ready', 3000],
      ['in-endpoints', 3100],
    ]);
    const old = timeline.pods.find((p) => p.name === 'old-1');
    expect(old?.segments.map((s) => s.phase)).toEqual(['in-endpoints', 'terminating']);
    expect(old?.segments.at(-1)?.from).toBe(T0 + 3200);
    expect(old?.segments.at(-1)?.to).toBe(T0 + 5000);
  });

  it('marks traffic served after deletion as stale', () => {
    const old = timeline.pods.find((p) => p.name === 'old-1');
    expect(rel(old?.stale ?? [])).toEqual([[3200, 4000]]);
  });

  it('merges runs into spans per revision on each node and keeps drops', () => {
    const a = timeline.nodes.find((n) => n.node === 'node-a');
    expect(a?.revisions.map((r) => [r.hash, rel(r.spans)])).toEqual([
      ['old', [[0, 4000]]],
      ['new', [[3500, 30_000]]],
    ]);
    expect(a?.drops.map((d) => [d.outcome, d.count])).toEqual([['timeout', 5]]);
    expect(a?.dropped).toBe(5);
    expect(timeline.nodes.map((n) => n.node)).toEqual(['node-a', 'node-b']);
  });

  it('shades the control-plane and data-plane overlap', () => {
    expect(rel(timeline.bands.control)).toEqual([[3100, 3300]]);
    expect(timeline.bands.data && rel([timeline.bands.data])).toEqual([[3500, 4000]]);
  });

  it('marks the start, the deletion and the endpoint changes in order', () => {
    const kinds = timeline.markers.map((m) => [m.kind, m.at - T0]);
    expect(kinds).toContainEqual(['rollout-start', 1000]);
    expect(kinds).toContainEqual(['deletion', 3200]);
    expect(kinds).toContainEqual(['endpoint-ready', 3100]);
    expect(kinds).toContainEqual(['endpoint-unready', 3300]);
    const times = timeline.markers.map((m) => m.at);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('keeps each ReplicaSet as a step series in revision order', () => {
    expect(timeline.replicaSets.map((s) => [s.templateHash, s.points.map((p) => [p.at - T0, p.desired, p.ready])])).toEqual([
      ['old', [[0, 1, 1], [3200, 0, 1], [5000, 0, 0]]],
      ['new', [[1100, 1, 0], [3100, 1, 1]]],
    ]);
  });

  it('starts the window before the first new pod and ends it after the rollout', () => {
    expect(timeline.window.from).toBeLessThan(T0 + 1000);
    expect(timeline.window.to).toBeGreaterThan(sel.measurements?.rollout.windowEnd ?? Infinity);
  });
});
