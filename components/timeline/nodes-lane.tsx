'use client';

import { memo, useState } from 'react';
import { usePlotArea } from 'recharts';
import type { Span } from '../../lib/measure/intervals';
import { formatMs } from '../../lib/views/headline-figures';
import type { NodeLane } from '../../lib/views/node-lanes';
import { DROPPED_COLOUR, RULES_CORRECT_COLOUR, revisionColour, type RevisionInfo } from '../../lib/views/revision-palette';
import { HoverTip, type Tip } from './hover-tip';
import { LaneChart, type LaneFrame } from './lane-chart';
import { rowHeight, useLaneLayout } from './lane-layout';
import { type LaneLayout, labelChars, rowPitch } from '../../lib/views/lane-layout';
import { fitLabel } from './lane-labels';
import { PlotHit, type PlotPointer } from './plot-hit';
import { spansPath } from './span-path';
import { formatClock, xOf } from './time-format';

/** Sub-row of a revision within a node's row: old on top, new below, any other in a third strip. */
function strip(info: RevisionInfo | undefined): { index: number; of: number } {
  if (!info) return { index: 2, of: 3 };
  if (info.role === 'old') return { index: 0, of: 2 };
  if (info.role === 'new') return { index: 1, of: 2 };
  return { index: 2, of: 3 };
}

/**
 * The rows: one path per node and revision at pixel resolution (runs closer than 2 px joined), one for
 * its failures. Memoised on plain values, so moving the cursor re-renders the chart around them, not them.
 */
const NodeRowsAt = memo(function NodeRowsAt({ lanes, view, revisions, rowH, layout, plotX, plotY, plotWidth }: { lanes: readonly NodeLane[]; view: Span; revisions: readonly RevisionInfo[]; rowH: number; layout: LaneLayout; plotX: number; plotY: number; plotWidth: number }) {
  const plot = { x: plotX, width: plotWidth };
  const fontSize = layout.stacked ? 10 : rowH >= 16 ? 12 : 9;
  const maxChars = labelChars(layout, fontSize, plotWidth);
  const pitch = rowPitch(layout, rowH);
  const inner = rowH * 0.8;
  return (
    <g>
      {lanes.map((lane, i) => {
        // Stacked (narrow), the label is a line above the row; else it sits in the left margin.
        const top = plotY + i * pitch;
        const y = top + layout.labelHeight + rowH * 0.1;
        // The rollout's drops, as the figures and the lag table count them (the margins may draw more).
        const label = lane.rolloutDropped ? `${lane.node} ✕${lane.rolloutDropped.count}` : lane.node;
        const drops = spansPath(lane.drops, view, plot, y - rowH * 0.05, inner + rowH * 0.1, 3, 1);
        // Where the node's rules were correct: failures after it are conntrack tail, not the node's lag.
        const correctAt = lane.conntrackTail?.rulesCorrectAt;
        const cx = correctAt !== undefined && correctAt >= view.from && correctAt <= view.to ? xOf(correctAt, view, plot) : undefined;
        return (
          <g key={lane.node} data-node={lane.node}>
            <text x={layout.stacked ? plotX : plotX - 8} y={layout.stacked ? top + layout.labelHeight - 2 : y + inner / 2} dy={layout.stacked ? undefined : '0.35em'} textAnchor={layout.stacked ? 'start' : 'end'} fontSize={fontSize} fontFamily="var(--mono)" fill="currentColor">
              {fitLabel(label, maxChars)}
            </text>
            {lane.revisions.map((track) => {
              const info = revisions.find((r) => r.hash === track.hash);
              const { index, of } = strip(info);
              const h = inner / Math.max(2, of);
              const d = spansPath(track.spans, view, plot, y + index * h, h - 1);
              return d ? <path key={track.hash} d={d} fill={revisionColour(info?.colour ?? 2)} data-revision={track.hash} /> : null;
            })}
            {drops ? <path d={drops} fill={DROPPED_COLOUR} fillOpacity={0.85} stroke="#000" strokeWidth={0.75} className="node-drops" /> : null}
            {cx !== undefined ? <line className="rules-correct" x1={cx} x2={cx} y1={y - rowH * 0.1} y2={y + inner + rowH * 0.1} stroke={RULES_CORRECT_COLOUR} strokeWidth={2.5} /> : null}
          </g>
        );
      })}
    </g>
  );
});

function NodeRows(props: { lanes: readonly NodeLane[]; view: Span; revisions: readonly RevisionInfo[]; rowH: number }) {
  const plot = usePlotArea();
  const layout = useLaneLayout();
  if (!plot) return null;
  return <NodeRowsAt {...props} layout={layout} plotX={plot.x} plotY={plot.y} plotWidth={plot.width} />;
}

function describeAt(lane: NodeLane, t: number, tolerance: number, revisions: readonly RevisionInfo[]) {
  const serving = lane.revisions.flatMap((track) => track.spans.filter((s) => t >= s.from - tolerance && t <= s.to + tolerance).map((s) => ({ track, s })));
  const drops = lane.drops.filter((d) => t >= d.from - tolerance && t <= d.to + tolerance);
  return (
    <>
      <strong className="mono">{lane.node}</strong>
      <div>
        {lane.served} served, {lane.dropped} dropped in view; {lane.rolloutDropped?.text ?? 0} dropped during the rollout
      </div>
      {lane.conntrackTail ? (
        <div className="tip-drop">
          conntrack tail: {lane.conntrackTail.text} failed {formatClock(lane.conntrackTail.firstAt)} → {formatClock(lane.conntrackTail.lastAt)}
          {lane.conntrackTail.rulesCorrectAt !== undefined ? `, after the node's rules were correct at ${formatClock(lane.conntrackTail.rulesCorrectAt)}` : ', through leftover conntrack entries'}: not the node&apos;s lag
        </div>
      ) : null}
      {serving.map(({ track, s }) => (
        <div key={`${track.hash}-${s.from}`}>
          {revisions.find((r) => r.hash === track.hash)?.label ?? track.hash}: {s.count} responses {formatClock(s.from)} → {formatClock(s.to)} ({formatMs(s.to - s.from)})
        </div>
      ))}
      {drops.map((d) => (
        <div key={`${d.from}-${d.outcome}`} className="tip-drop">
          {d.count} × {d.outcome}
          {d.pod ? ` (${d.pod})` : ''} {formatClock(d.from)} → {formatClock(d.to)}
        </div>
      ))}
    </>
  );
}

/** Memoised: the cursor moves through context, so a scrub does not redraw this lane. */
export const NodesLane = memo(function NodesLane({ frame, lanes, revisions, onSeek, width, showAxis }: { frame: LaneFrame; lanes: readonly NodeLane[]; revisions: readonly RevisionInfo[]; onSeek?: (t: number) => void; width: number; showAxis: boolean }) {
  const [tip, setTip] = useState<Tip | null>(null);
  const rowH = Math.max(rowHeight(lanes.length), 12);
  const layout = useLaneLayout();
  const pitch = rowPitch(layout, rowH);
  const onMove = (p: PlotPointer) => {
    const lane = lanes[Math.floor(p.py / pitch)];
    const tolerance = ((frame.view.to - frame.view.from) / Math.max(1, width)) * 4;
    setTip(lane ? { x: p.boxX, y: p.boxY, content: describeAt(lane, p.t, tolerance, revisions) } : null);
  };
  if (lanes.length === 0) return <p className="empty lane-empty">No probe results for this rollout: start probe agents (`cutover agent`) to see each node&apos;s data plane.</p>;
  return (
    <div className="lane lane-scroll" data-testid="lane-nodes" style={{ maxHeight: 560 }}>
      <div className="lane-box">
        <LaneChart frame={frame} height={lanes.length * pitch + layout.margin.top + layout.margin.bottom + (showAxis ? 26 : 0)} showAxis={showAxis} label={`Nodes: where each of ${lanes.length} node(s) sent its traffic over time, by revision, with dropped requests`}>
          <NodeRows lanes={lanes} view={frame.view} revisions={revisions} rowH={rowH} />
          <PlotHit view={frame.view} onMove={onMove} onLeave={() => setTip(null)} {...(onSeek ? { onClick: onSeek } : {})} />
        </LaneChart>
        <HoverTip tip={tip} width={width} />
      </div>
    </div>
  );
});
