'use client';

import { memo, useMemo, useState } from 'react';
import { usePlotArea } from 'recharts';
import type { Span } from '../../lib/measure/intervals';
import { MARKER_GLYPH, glyphGroups } from '../../lib/views/marker-glyphs';
import type { TimelineMarker } from '../../lib/views/timeline-markers';
import { HoverTip, type Tip } from './hover-tip';
import { LaneChart, type LaneFrame } from './lane-chart';
import { LaneTitle } from './lane-title';
import { PlotHit, type PlotPointer } from './plot-hit';
import { useLaneLayout } from './lane-layout';
import { formatClock, formatOffset } from './time-format';

const GLYPH = MARKER_GLYPH;

/** Markers that would overlap are drawn as one group with counts per kind (see glyphGroups). */
const GlyphsAt = memo(function GlyphsAt({ markers, view, plotX, plotY, plotWidth, plotHeight }: { markers: readonly TimelineMarker[]; view: Span; plotX: number; plotY: number; plotWidth: number; plotHeight: number }) {
  const groups = useMemo(() => glyphGroups(markers, view, { x: plotX, width: plotWidth }), [markers, view, plotX, plotWidth]);
  return (
    <g>
      {groups.map((g) => (
        <text key={`${g.markers[0]?.at}-${g.x}`} className="marker-glyphs" x={g.x} y={plotY + plotHeight / 2} dy="0.35em" fontSize={12} fill="currentColor" data-count={g.markers.length}>
          {g.text}
        </text>
      ))}
    </g>
  );
});

function Glyphs(props: { markers: readonly TimelineMarker[]; view: Span }) {
  const plot = usePlotArea();
  if (!plot) return null;
  return <GlyphsAt {...props} plotX={plot.x} plotY={plot.y} plotWidth={plot.width} plotHeight={plot.height} />;
}

/** Memoised: the cursor moves through context, so a scrub does not redraw this lane. */
export const MarkersLane = memo(function MarkersLane({ frame, markers, onSeek, width }: { frame: LaneFrame; markers: readonly TimelineMarker[]; onSeek?: (t: number) => void; width: number }) {
  const [tip, setTip] = useState<Tip | null>(null);
  const { margin } = useLaneLayout();
  const onMove = (p: PlotPointer) => {
    const tolerance = ((frame.view.to - frame.view.from) / Math.max(1, width)) * 6;
    const near = markers.filter((m) => Math.abs(m.at - p.t) <= tolerance);
    setTip(
      near.length === 0
        ? null
        : {
            x: p.boxX,
            y: p.boxY,
            content: near.slice(0, 8).map((m, i) => (
              <div key={`${m.at}-${i}`}>
                {GLYPH[m.kind]} {formatClock(m.at)} ({formatOffset(m.at, frame.origin)}) {m.label}
              </div>
            )),
          },
    );
  };
  return (
    <div className="lane" data-testid="lane-markers">
      <div className="lane-box">
        <LaneChart frame={frame} height={22 + margin.top + margin.bottom} label={`Events: ${markers.length} (rollout start and end, deletions, endpoint changes)`}>
          <LaneTitle title="Events" />
          <Glyphs markers={markers} view={frame.view} />
          <PlotHit view={frame.view} onMove={onMove} onLeave={() => setTip(null)} {...(onSeek ? { onClick: onSeek } : {})} />
        </LaneChart>
        <HoverTip tip={tip} width={width} />
      </div>
    </div>
  );
});
