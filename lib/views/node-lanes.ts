import type { ProbeOutcome } from '../probes/probe-run';
import type { AttributedRun } from '../measure/deployment-view';
import type { Span } from '../measure/intervals';
import { mergeSpans } from './merge-spans';

/** Traffic of one revision on one node: merged spans with the number of responses in them. */
export interface NodeRevisionTrack {
  hash: string;
  spans: (Span & { count: number })[];
}

export interface NodeDrop {
  from: number;
  to: number;
  count: number;
  outcome: Exclude<ProbeOutcome, 'served'>;
  pod: string | null;
}

/**
 * A node's conntrack tail in the rollout (DESIGN.md): failures after its rules were already correct, through
 * leftover conntrack entries. Part of its drops, not of its removal lag.
 */
export interface NodeConntrackTail {
  count: number;
  /** The report's text of the count, bounds included. */
  text: string;
  firstAt: number;
  lastAt: number;
  /** When the node's rules had dropped every old pod (known from node-rule evidence). */
  rulesCorrectAt?: number;
}

/** Which revision a node's traffic went to, run by run, and where requests failed. */
export interface NodeLane {
  node: string;
  revisions: NodeRevisionTrack[];
  drops: NodeDrop[];
  served: number;
  /** Failed probes in the view window (the rollout and its margins). */
  dropped: number;
  /** Dropped during the rollout, as the figures and the report count them (absent when none). */
  rolloutDropped?: { count: number; text: string };
  conntrackTail?: NodeConntrackTail;
}

function mergeCounted(spans: readonly (Span & { count: number })[], gapMs: number): (Span & { count: number })[] {
  const merged = mergeSpans(spans, gapMs);
  const out = merged.map((s) => ({ ...s, count: 0 }));
  // Both sorted by start: walk them together to sum counts into the merged span that contains each run.
  const inOrder = spans.every((s, i) => i === 0 || s.from >= (spans[i - 1]?.from ?? -Infinity));
  const sorted = inOrder ? spans : [...spans].sort((a, b) => a.from - b.from);
  let j = 0;
  for (const s of sorted) {
    while (j < out.length && (out[j]?.to ?? Infinity) < s.from) j++;
    const target = out[j];
    if (target) target.count += s.count;
  }
  return out;
}

interface NodeEntry {
  revs: Map<string, (Span & { count: number })[]>;
  drops: NodeDrop[];
  served: number;
  dropped: number;
}

/** Gathers node lanes run by run. */
export class NodeRunCollector {
  private readonly byNode = new Map<string, NodeEntry>();
  private node: string | undefined;
  private entry: NodeEntry | undefined;

  constructor(
    private readonly window: Span,
    private readonly mergeGapMs: number,
  ) {}

  add({ run, pod }: AttributedRun): void {
    if (run.last < this.window.from || run.first > this.window.to) return;
    let entry = this.entry;
    if (run.node !== this.node || !entry) {
      this.node = run.node;
      entry = this.byNode.get(run.node);
      if (!entry) this.byNode.set(run.node, (entry = { revs: new Map(), drops: [], served: 0, dropped: 0 }));
      this.entry = entry;
    }
    if (run.outcome === 'served') {
      const hash = pod?.lane.templateHash ?? run.revision ?? '';
      let list = entry.revs.get(hash);
      if (!list) entry.revs.set(hash, (list = []));
      // A node's runs come in time order: one that starts within the merge gap of the last span joins it
      // here, so an hour of steady traffic is a few spans, not one per run. The same spans and counts as
      // merging at the end (mergeCounted still merges whatever came out of order).
      const last = list[list.length - 1];
      if (last && run.first >= last.from && run.first - last.to <= this.mergeGapMs) {
        if (run.last > last.to) last.to = run.last;
        last.count += run.count;
      } else list.push({ from: run.first, to: run.last, count: run.count });
      entry.served += run.count;
    } else {
      entry.drops.push({ from: run.first, to: run.last, count: run.count, outcome: run.outcome, pod: run.pod });
      entry.dropped += run.count;
    }
  }

  lanes(): NodeLane[] {
    return [...this.byNode.keys()].sort().map((node) => {
      const entry = this.byNode.get(node);
      const revisions = [...(entry?.revs ?? new Map<string, (Span & { count: number })[]>())]
        .map(([hash, spans]) => ({ hash, spans: mergeCounted(spans, this.mergeGapMs) }))
        .sort((a, b) => (a.spans[0]?.from ?? 0) - (b.spans[0]?.from ?? 0));
      const drops = (entry?.drops ?? []).sort((a, b) => a.from - b.from);
      return { node, revisions, drops, served: entry?.served ?? 0, dropped: entry?.dropped ?? 0 };
    });
  }
}

/**
 * One lane per node that probed the Deployment, in name order. Runs closer than `mergeGapMs` are joined
 * so that a node-hour of steady traffic is one span per revision, whatever the probe rate.
 */
export function nodeLanes(runs: readonly AttributedRun[], window: Span, mergeGapMs: number): NodeLane[] {
  const c = new NodeRunCollector(window, mergeGapMs);
  for (const a of runs) c.add(a);
  return c.lanes();
}
