'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Span } from '../../lib/measure/intervals';
import { replicaSetRows, sampleRows } from '../../lib/views/replica-set-rows';
import type { TimelineModel } from '../../lib/views/timeline-model';
import { CursorContext } from './cursor-line';
import type { LaneFrame } from './lane-chart';
import { MarkersLane } from './markers-lane';
import { NodesLane } from './nodes-lane';
import { PodsLane } from './pods-lane';
import { ReplicaSetLane } from './replica-set-lane';
import { TimelineLegend } from './timeline-legend';
import { useElementWidth } from './use-element-width';
import { LaneLayoutContext } from './lane-layout';
import { laneLayout } from '../../lib/views/lane-layout';
import { type BrushRange, ZoomBrush } from './zoom-brush';

const SAMPLES = 400;

/** A zoom held outside the timeline, so that timelines on aligned domains zoom together (null: unzoomed). */
export interface SharedZoom {
  range: BrushRange | null;
  onChange: (range: BrushRange) => void;
}

interface TimelineProps {
  model: TimelineModel;
  cursor?: number;
  onSeek?: (t: number) => void;
  /** A fixed time domain instead of the rollout's window (the lab's compare view aligns two runs). */
  domain?: Span;
  zoom?: SharedZoom;
}

/**
 * The rollout on one shared time axis: ReplicaSets, markers, pods and nodes, the overlap shaded across all
 * of them. Zoom with the brush; click any lane to move the cursor (when the page has one).
 */
export function Timeline({ model, cursor, onSeek, domain, zoom: shared }: TimelineProps) {
  const box = useRef<HTMLDivElement>(null);
  const width = useElementWidth(box);
  const layout = useMemo(() => laneLayout(width), [width]);
  const [zoom, setZoom] = useState<{ id: string; range: BrushRange } | null>(null);
  const shown = domain ?? model.window;
  const rows = useMemo(() => replicaSetRows(model.replicaSets, shown), [model.replicaSets, shown]);
  const samples = useMemo(() => sampleRows(rows, shown, SAMPLES), [rows, shown]);
  // A zoom belongs to one rollout; live, the window keeps growing and an unzoomed view follows it.
  // Brush ranges are sample indexes over the shown domain: on aligned domains one range is the same times.
  const range = useMemo(() => {
    const own = shared ? shared.range : zoom && zoom.id === model.rolloutId ? zoom.range : null;
    return own ?? { startIndex: 0, endIndex: SAMPLES - 1 };
  }, [shared, zoom, model.rolloutId]);
  const viewFrom = samples[range.startIndex]?.at ?? shown.from;
  const viewTo = samples[range.endIndex]?.at ?? shown.to;
  const origin = model.markers.find((m) => m.kind === 'rollout-start')?.at ?? model.window.from;
  // One frame object per view and model: the lanes are memoised and the cursor reaches them by context,
  // so scrubbing redraws cursor lines only.
  const frame: LaneFrame = useMemo(() => {
    const edges = model.markers.filter((m) => m.kind === 'rollout-start' || m.kind === 'rollout-end').map((m) => m.at);
    return { view: { from: viewFrom, to: viewTo }, origin, bands: model.bands, gaps: model.gaps, edges };
  }, [viewFrom, viewTo, origin, model]);
  const view = frame.view;
  const onSharedZoom = shared?.onChange;
  const onZoom = useCallback((r: BrushRange) => (onSharedZoom ? onSharedZoom(r) : setZoom({ id: model.rolloutId, range: r })), [onSharedZoom, model.rolloutId]);
  const seek = onSeek ? { onSeek } : {};
  // One mark per drawn model (replaced, so a live page does not pile them up): the UI bench reads it.
  useEffect(() => {
    performance.clearMarks('cutover:timeline-drawn');
    performance.mark('cutover:timeline-drawn', { detail: { rollout: model.rolloutId, pods: model.pods.length, nodes: model.nodes.length } });
  }, [model]);
  return (
    <CursorContext.Provider value={cursor}>
    <LaneLayoutContext.Provider value={layout}>
    <section className="timeline" ref={box} data-testid="timeline" data-stacked={layout.stacked} data-rollout={model.rolloutId} data-view-before={origin - view.from} data-view-after={view.to - origin}>
      <TimelineLegend revisions={model.revisions} bands={model.bands} conntrackTail={model.nodes.some((n) => n.conntrackTail?.rulesCorrectAt !== undefined)} />
      <ZoomBrush samples={samples} revisions={model.revisions} range={range} origin={origin} onChange={onZoom} />
      <ReplicaSetLane frame={frame} series={model.replicaSets} rows={rows} revisions={model.revisions} />
      <MarkersLane frame={frame} markers={model.markers} width={width} {...seek} />
      <h3 className="lane-heading">Pods ({model.pods.length})</h3>
      <PodsLane frame={frame} bars={model.pods} revisions={model.revisions} width={width} showAxis={model.nodes.length === 0} {...seek} />
      <h3 className="lane-heading">Nodes: where each node&apos;s traffic went ({model.nodes.length})</h3>
      <NodesLane frame={frame} lanes={model.nodes} revisions={model.revisions} width={width} showAxis {...seek} />
    </section>
    </LaneLayoutContext.Provider>
    </CursorContext.Provider>
  );
}
