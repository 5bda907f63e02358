'use client';

import { memo, useState } from 'react';
import { usePlotArea } from 'recharts';
import type { Span } from '../../lib/measure/intervals';
import type { MarkerKind, TimelineMarker } from '../../lib/views/timeline-markers';
import { HoverTip, type Tip } from './hover-tip';
import { LaneChart, type LaneFrame } from './lane-chart';
import { LaneTitle } from './lane-title';
import { PlotHit, type PlotPointer } from './plot-hit';
import { formatClock, formatOffset, xOf } from './time-format';

/** Shapes, not only colours, tell marker kinds apart. */
const GLYPH: Record<MarkerKind, string> = {
  'rollout-start': '▶',
  'rollout-end': '■',
  deletion: '✕',
  'endpoint-ready': '▲',
  'endpoint-unready': '▼',
  user: '◆',
};

const GlyphsAt = memo(function GlyphsAt({ markers, view, plotX, plotY, plotWidth, plotHeight }: { markers: readonly TimelineMarker[]; view: Span; plotX: number; plotY: number; plotWidth: number; plotHeight: number }) {
  const plot = { x: plotX, y: plotY, width: plotWidth, height: plotHeight };
  return (
    <g>
      {markers.map((m, i) => (
        <text key={`${m.kind}-${m.at}-${i}`} x={xOf(m.at, view, plot)} y={plot.y + plot.height / 2} dy="0.35em" textAnchor="middle" fontSize={12} fill="currentColor">
          {GLYPH[m.kind]}
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
        <LaneChart frame={frame} height={34}>
          <LaneTitle title="Events" />
          <Glyphs markers={markers} view={frame.view} />
          <PlotHit view={frame.view} onMove={onMove} onLeave={() => setTip(null)} {...(onSeek ? { onClick: onSeek } : {})} />
        </LaneChart>
        <HoverTip tip={tip} width={width} />
      </div>
    </div>
  );
});
