// Test support: the timeline's node lanes and pod bars as they were built before they were optimised
// (every run pushed as a span object, merged by sorting); the optimised ones must give exactly these.
import type { AttributedRun, PodView } from '../measure/deployment-view';
import type { Span } from '../measure/intervals';
import type { RolloutView } from '../measure/select-rollouts';
import { mergeSpansBySorting } from './merge-spans';
import type { NodeDrop, NodeLane } from './node-lanes';
import { podSegments, staleEdges, type PodBar } from './pod-bars';

function mergeCounted(spans: readonly (Span & { count: number })[], gapMs: number): (Span & { count: number })[] {
  const merged = mergeSpansBySorting(spans, gapMs);
  const out = merged.map((s) => ({ ...s, count: 0 }));
  // Both sorted by start: walk them together to sum counts into the merged span that contains each run.
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  let j = 0;
  for (const s of sorted) {
    while (j < out.length && (out[j]?.to ?? Infinity) < s.from) j++;
    const target = out[j];
    if (target) target.count += s.count;
  }
  return out;
}

export function referenceNodeLanes(runs: readonly AttributedRun[], window: Span, mergeGapMs: number): NodeLane[] {
  const byNode = new Map<string, { revs: Map<string, (Span & { count: number })[]>; drops: NodeDrop[]; served: number; dropped: number }>();
  for (const { run, pod } of runs) {
    if (run.last < window.from || run.first > window.to) continue;
    let entry = byNode.get(run.node);
    if (!entry) byNode.set(run.node, (entry = { revs: new Map(), drops: [], served: 0, dropped: 0 }));
    if (run.outcome === 'served') {
      const hash = pod?.lane.templateHash ?? run.revision ?? '';
      const list = entry.revs.get(hash) ?? [];
      list.push({ from: run.first, to: run.last, count: run.count });
      entry.revs.set(hash, list);
      entry.served += run.count;
    } else {
      entry.drops.push({ from: run.first, to: run.last, count: run.count, outcome: run.outcome, pod: run.pod });
      entry.dropped += run.count;
    }
  }
  return [...byNode.keys()].sort().map((node) => {
    const entry = byNode.get(node);
    const revisions = [...(entry?.revs ?? new Map<string, (Span & { count: number })[]>())]
      .map(([hash, spans]) => ({ hash, spans: mergeCounted(spans, mergeGapMs) }))
      .sort((a, b) => (a.spans[0]?.from ?? 0) - (b.spans[0]?.from ?? 0));
    const drops = (entry?.drops ?? []).sort((a, b) => a.from - b.from);
    return { node, revisions, drops, served: entry?.served ?? 0, dropped: entry?.dropped ?? 0 };
  });
}

export function referencePodBars(pods: readonly PodView[], runs: readonly AttributedRun[], window: Span, mergeGapMs: number, rollout: RolloutView): PodBar[] {
  const servedByPod = new Map<string, Span[]>();
  const droppedByPod = new Map<string, PodBar['dropped']>();
  for (const { run, pod } of runs) {
    if (!pod || run.last < window.from || run.first > window.to) continue;
    if (run.outcome === 'served') {
      const list = servedByPod.get(pod.lane.uid) ?? [];
      list.push({ from: run.first, to: run.last });
      servedByPod.set(pod.lane.uid, list);
    } else {
      const list = droppedByPod.get(pod.lane.uid) ?? [];
      list.push({ from: run.first, to: run.last, count: run.count });
      droppedByPod.set(pod.lane.uid, list);
    }
  }
  const out: PodBar[] = [];
  for (const p of pods) {
    const segments = podSegments(p, window);
    if (segments.length === 0) continue;
    const served = mergeSpansBySorting(servedByPod.get(p.lane.uid) ?? [], mergeGapMs);
    const deletedAt = p.lane.deletionObservedAt;
    const { endpointStopAt, sigtermAt } = staleEdges(p, rollout);
    const after = (edge: number) => served.filter((s) => s.to > edge).map((s) => ({ from: Math.max(s.from, edge), to: s.to }));
    const before = (spans: Span[], edge: number | undefined) => (edge === undefined ? spans : spans.filter((s) => s.from < edge).map((s) => ({ from: s.from, to: Math.min(s.to, edge) })));
    const stale = sigtermAt === undefined ? [] : after(sigtermAt);
    const late = endpointStopAt === undefined ? [] : after(endpointStopAt);
    const afterEndpointRemoval = before(late, sigtermAt);
    const bar: PodBar = { uid: p.lane.uid, name: p.lane.name, hash: p.lane.templateHash ?? '', segments, served, stale, afterEndpointRemoval, dropped: droppedByPod.get(p.lane.uid) ?? [] };
    if (p.lane.node !== undefined) bar.node = p.lane.node;
    if (deletedAt !== undefined) bar.deletionObservedAt = deletedAt;
    if (p.lane.goneAt !== undefined) bar.goneAt = p.lane.goneAt;
    out.push(bar);
  }
  return out;
}
