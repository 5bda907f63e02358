import { preStopSleepSeconds } from '../kube/slim-container';
import type { AttributedRun, PodView } from '../measure/deployment-view';
import type { Span } from '../measure/intervals';
import { endpointStopAt } from '../measure/measure-lags';
import type { RolloutView } from '../measure/select-rollouts';
import { mergeSpanEdges } from './merge-spans';

export type PodPhase = 'pending' | 'started' | 'ready' | 'in-endpoints' | 'terminating';

export interface PodSegment {
  from: number;
  to: number;
  phase: PodPhase;
}

/** A pod's bar: its phases as consecutive segments, the traffic it served, and what went wrong on it. */
export interface PodBar {
  uid: string;
  name: string;
  node?: string;
  hash: string;
  segments: PodSegment[];
  /** Served responses, merged across nodes (aggregated spans, not probes). */
  served: Span[];
  /**
   * Stale (DESIGN.md): served after the pod got SIGTERM (its deletion plus its preStop sleep), while it shuts
   * down. The headline's stale responses count these.
   */
  stale: Span[];
  /**
   * Served after the pod left the ready endpoints (for good, or until it was ready again) but before SIGTERM:
   * a node still routing to it (its lag) while a preStop sleep keeps it serving. The mitigation working, not stale.
   */
  afterEndpointRemoval: Span[];
  /** Failed probes attributed to this pod. */
  dropped: { from: number; to: number; count: number }[];
  deletionObservedAt?: number;
  goneAt?: number;
}

/** The phase of a pod at time t (t inside its life), by priority: terminating > in endpoints > ready > started > pending. */
function phaseAt(p: PodView, t: number, readySpans: readonly Span[]): PodPhase {
  const lane = p.lane;
  if (lane.deletionObservedAt !== undefined && t >= lane.deletionObservedAt) return 'terminating';
  if (readySpans.some((s) => t >= s.from && t < s.to)) return 'in-endpoints';
  if (lane.readyAt !== undefined && t >= lane.readyAt && (lane.unreadyAt === undefined || lane.unreadyAt <= lane.readyAt || t < lane.unreadyAt)) return 'ready';
  if (lane.startedAt !== undefined && t >= lane.startedAt) return 'started';
  return 'pending';
}

/** Cuts a pod's life into phase segments at every transition, clipped to the view window. */
export function podSegments(p: PodView, window: Span): PodSegment[] {
  const lane = p.lane;
  const end = Math.min(lane.goneAt ?? window.to, window.to);
  const start = Math.max(lane.createdAt, window.from);
  if (end <= start) return [];
  const readySpans = (p.endpoint?.ready ?? []).map((i) => ({ from: i.from, to: i.to ?? end }));
  const cuts = new Set<number>([start, end]);
  for (const t of [lane.startedAt, lane.readyAt, lane.unreadyAt, lane.deletionObservedAt]) if (t !== undefined) cuts.add(t);
  for (const s of readySpans) cuts.add(s.from).add(s.to);
  const times = [...cuts].filter((t) => t >= start && t <= end).sort((a, b) => a - b);
  const out: PodSegment[] = [];
  for (let i = 0; i + 1 < times.length; i++) {
    const from = times[i];
    const to = times[i + 1];
    if (from === undefined || to === undefined || to <= from) continue;
    const phase = phaseAt(p, from, readySpans);
    const last = out[out.length - 1];
    if (last && last.phase === phase && last.to === from) last.to = to;
    else out.push({ from, to, phase });
  }
  return out;
}

export interface StaleEdges {
  /** When the pod last left the ready endpoints within the rollout. */
  endpointStopAt?: number;
  /** Its deletion within the rollout plus its preStop sleep. */
  sigtermAt?: number;
}

/**
 * When a pod's traffic turns late, by the edges the rollout's stale responses are measured at
 * (lib/measure/measure-stale.ts): leaving the ready endpoints (endpointStopAt) and SIGTERM (deletion within
 * the rollout plus the preStop sleep). A pod that flapped out and came back ready had not left them
 * (endpointStopAt says so: it gives no edge then).
 */
export function staleEdges(p: PodView, r: RolloutView): StaleEdges {
  const out: StaleEdges = {};
  const deletion = p.lane.deletionObservedAt;
  if (deletion !== undefined && deletion >= r.startAt && deletion <= r.windowEnd) out.sigtermAt = deletion + preStopSleepSeconds(p.lane.pod.containers) * 1000;
  const stop = endpointStopAt(p, r)?.at;
  if (stop !== undefined) out.endpointStopAt = stop;
  return out;
}

/** The parts of `spans` after `from` and before `to` (a single probe's span, from = to, included). */
function clip(spans: readonly Span[], from: number | undefined, to: number | undefined): Span[] {
  if (from === undefined || (to !== undefined && to <= from)) return [];
  const out: Span[] = [];
  for (const s of spans) {
    if (s.to <= from || (to !== undefined && s.from >= to)) continue;
    out.push({ from: Math.max(s.from, from), to: to === undefined ? s.to : Math.min(s.to, to) });
  }
  return out;
}

/**
 * Gathers pod bars' traffic run by run. Served runs are kept as plain numbers (starts and ends apart): a
 * pod's runs come node by node, out of time order, and sorting them as numbers rather than span objects is
 * what keeps an hour of probes cheap.
 */
export class PodRunCollector {
  private readonly servedByPod = new Map<string, { froms: number[]; tos: number[] }>();
  private readonly droppedByPod = new Map<string, PodBar['dropped']>();

  /** `rollout`: the rollout whose stale edges split each pod's late traffic (see staleEdges). */
  constructor(
    private readonly window: Span,
    private readonly rollout: RolloutView,
  ) {}

  add({ run, pod }: AttributedRun): void {
    if (!pod || run.last < this.window.from || run.first > this.window.to) return;
    if (run.outcome === 'served') {
      let list = this.servedByPod.get(pod.lane.uid);
      if (!list) this.servedByPod.set(pod.lane.uid, (list = { froms: [], tos: [] }));
      list.froms.push(run.first);
      list.tos.push(run.last);
    } else {
      const list = this.droppedByPod.get(pod.lane.uid) ?? [];
      list.push({ from: run.first, to: run.last, count: run.count });
      this.droppedByPod.set(pod.lane.uid, list);
    }
  }

  /** The bars of the pods whose life touches the window, in the pods' order. */
  bars(pods: readonly PodView[], mergeGapMs: number): PodBar[] {
    const out: PodBar[] = [];
    for (const p of pods) {
      const segments = podSegments(p, this.window);
      if (segments.length === 0) continue;
      const runsOf = this.servedByPod.get(p.lane.uid);
      const served = runsOf ? mergeSpanEdges(Float64Array.from(runsOf.froms), Float64Array.from(runsOf.tos), mergeGapMs) : [];
      const deletedAt = p.lane.deletionObservedAt;
      const edges = staleEdges(p, this.rollout);
      const stale = clip(served, edges.sigtermAt, undefined);
      const afterEndpointRemoval = clip(served, edges.endpointStopAt, edges.sigtermAt);
      const bar: PodBar = { uid: p.lane.uid, name: p.lane.name, hash: p.lane.templateHash ?? '', segments, served, stale, afterEndpointRemoval, dropped: this.droppedByPod.get(p.lane.uid) ?? [] };
      if (p.lane.node !== undefined) bar.node = p.lane.node;
      if (deletedAt !== undefined) bar.deletionObservedAt = deletedAt;
      if (p.lane.goneAt !== undefined) bar.goneAt = p.lane.goneAt;
      out.push(bar);
    }
    return out;
  }
}

/**
 * Pod bars for the pods whose life touches the window, in creation order. `mergeGapMs` joins served runs
 * closer than that (a pixel or a probe interval): steady traffic becomes one span. Late traffic is split at
 * the rollout's stale edges.
 */
export function podBars(pods: readonly PodView[], runs: readonly AttributedRun[], window: Span, mergeGapMs: number, rollout: RolloutView): PodBar[] {
  const c = new PodRunCollector(window, rollout);
  for (const a of runs) c.add(a);
  return c.bars(pods, mergeGapMs);
}
