'use client';

import { memo, useCallback, useState } from 'react';
import { usePlotArea } from 'recharts';
import type { Span } from '../../lib/measure/intervals';
import type { PodBar, PodPhase } from '../../lib/views/pod-bars';
import { pixelSpans } from '../../lib/views/pixel-spans';
import { COVERED_COLOUR, DROPPED_COLOUR, STALE_COLOUR, revisionColour, type RevisionInfo } from '../../lib/views/revision-palette';
import { formatMs } from '../../lib/views/headline-figures';
import { HoverTip, type Tip } from './hover-tip';
import { LaneChart, type LaneFrame } from './lane-chart';
import { rowHeight, useLaneLayout } from './lane-layout';
import { type LaneLayout, labelChars, rowPitch } from '../../lib/views/lane-layout';
import { fitLabel } from './lane-labels';
import { PlotHit, type PlotPointer } from './plot-hit';
import { formatClock, xOf } from './time-format';

const PHASE_LABEL: Record<PodPhase, string> = {
  pending: 'pending',
  started: 'started, not ready',
  ready: 'ready, not yet in endpoints',
  'in-endpoints': 'ready in endpoints',
  terminating: 'terminating',
};

function phaseStyle(phase: PodPhase, colour: string): { fill: string; fillOpacity: number; stroke?: string; inset: number } {
  switch (phase) {
    case 'pending':
      return { fill: 'none', fillOpacity: 0, stroke: colour, inset: 0.3 };
    case 'started':
      return { fill: colour, fillOpacity: 0.25, inset: 0.2 };
    case 'ready':
      return { fill: colour, fillOpacity: 0.55, inset: 0.15 };
    case 'in-endpoints':
      return { fill: colour, fillOpacity: 1, inset: 0.15 };
    case 'terminating':
      return { fill: colour, fillOpacity: 0.3, stroke: colour, inset: 0.15 };
    default: {
      const unreachable: never = phase;
      return unreachable;
    }
  }
}

/** Memoised (the cursor moves around it) and drawn at pixel resolution. */
const PodRowsAt = memo(function PodRowsAt({ bars, view, colourOf, rowH, layout, plotX, plotY, plotWidth }: { bars: readonly PodBar[]; view: Span; colourOf: (hash: string) => string; rowH: number; layout: LaneLayout; plotX: number; plotY: number; plotWidth: number }) {
  const plot = { x: plotX, y: plotY, width: plotWidth };
  const fontSize = layout.stacked ? 10 : rowH >= 16 ? 12 : 9;
  const maxChars = labelChars(layout, fontSize, plotWidth);
  const pitch = rowPitch(layout, rowH);
  return (
    <g>
      {bars.map((bar, i) => {
        // Stacked (narrow), the label is a line above the bar; else it sits in the left margin.
        const top = plot.y + i * pitch;
        const y = top + layout.labelHeight;
        const colour = colourOf(bar.hash);
        return (
          <g key={bar.uid}>
            <text x={layout.stacked ? plot.x : plot.x - 8} y={layout.stacked ? top + layout.labelHeight - 2 : y + rowH / 2} dy={layout.stacked ? undefined : '0.35em'} textAnchor={layout.stacked ? 'start' : 'end'} fontSize={fontSize} fontFamily="var(--mono)" fill="currentColor">
              {fitLabel(bar.name, maxChars)}
            </text>
            {bar.segments.map((s) => {
              const st = phaseStyle(s.phase, colour);
              const x1 = xOf(s.from, view, plot);
              const x2 = xOf(s.to, view, plot);
              return (
                <rect
                  key={s.from}
                  x={x1}
                  y={y + rowH * st.inset}
                  width={Math.max(1, x2 - x1)}
                  height={rowH * (1 - 2 * st.inset)}
                  fill={st.fill}
                  fillOpacity={st.fillOpacity}
                  stroke={st.stroke}
                  strokeWidth={st.stroke ? 1 : 0}
                />
              );
            })}
            {/* Under the late-traffic strips: a stale response right at SIGTERM (no preStop) must not hide behind it. */}
            {bar.deletionObservedAt !== undefined && bar.deletionObservedAt >= view.from && bar.deletionObservedAt <= view.to ? (
              <line x1={xOf(bar.deletionObservedAt, view, plot)} x2={xOf(bar.deletionObservedAt, view, plot)} y1={y} y2={y + rowH} stroke="currentColor" strokeWidth={2} />
            ) : null}
            {pixelSpans(bar.afterEndpointRemoval, view, plot.width).map((s) => {
              const x1 = xOf(s.from, view, plot);
              return <rect key={`covered-${s.from}`} className="served-covered" x={x1} y={y + rowH * 0.06} width={Math.max(2, xOf(s.to, view, plot) - x1)} height={rowH * 0.26} fill="none" stroke={COVERED_COLOUR} strokeWidth={1.5} strokeDasharray="3 2" />;
            })}
            {pixelSpans(bar.stale, view, plot.width).map((s) => {
              const x1 = xOf(s.from, view, plot);
              return <rect key={`stale-${s.from}`} className="served-stale" x={x1} y={y + rowH * 0.05} width={Math.max(3, xOf(s.to, view, plot) - x1)} height={rowH * 0.28} fill={STALE_COLOUR} />;
            })}
            {pixelSpans(bar.dropped, view, plot.width).map((d) => {
              const x1 = xOf(d.from, view, plot);
              return <rect key={`drop-${d.from}`} x={x1 - 1} y={y + rowH * 0.55} width={Math.max(3, xOf(d.to, view, plot) - x1 + 2)} height={rowH * 0.4} fill={DROPPED_COLOUR} stroke="#000" strokeWidth={0.75} />;
            })}
          </g>
        );
      })}
    </g>
  );
});

function PodRows(props: { bars: readonly PodBar[]; view: Span; colourOf: (hash: string) => string; rowH: number }) {
  const plot = usePlotArea();
  const layout = useLaneLayout();
  if (!plot) return null;
  return <PodRowsAt {...props} layout={layout} plotX={plot.x} plotY={plot.y} plotWidth={plot.width} />;
}

function describeAt(bar: PodBar, t: number, tolerance: number) {
  const seg = bar.segments.find((s) => t >= s.from && t < s.to);
  const stale = bar.stale.find((s) => t >= s.from - tolerance && t <= s.to + tolerance);
  const covered = bar.afterEndpointRemoval.find((s) => t >= s.from - tolerance && t <= s.to + tolerance);
  const drop = bar.dropped.find((d) => t >= d.from - tolerance && t <= d.to + tolerance);
  return (
    <>
      <strong className="mono">{bar.name}</strong>
      <div>
        {bar.node ?? 'unscheduled'} · rev {bar.hash || '?'}
      </div>
      {seg ? (
        <div>
          {PHASE_LABEL[seg.phase]}: {formatClock(seg.from)} → {formatClock(seg.to)} ({formatMs(seg.to - seg.from)})
        </div>
      ) : null}
      {bar.deletionObservedAt !== undefined ? <div>deletion observed {formatClock(bar.deletionObservedAt)}</div> : null}
      {covered ? (
        <div className="tip-covered">
          served after leaving the ready endpoints, before SIGTERM (a node&apos;s lag, covered by preStop) {formatClock(covered.from)} → {formatClock(covered.to)}
        </div>
      ) : null}
      {stale ? (
        <div className="tip-stale">
          stale: served after SIGTERM {formatClock(stale.from)} → {formatClock(stale.to)}
        </div>
      ) : null}
      {drop ? (
        <div className="tip-drop">
          {drop.count} dropped {formatClock(drop.from)} → {formatClock(drop.to)}
        </div>
      ) : null}
    </>
  );
}

/** Memoised: the cursor moves through context, so a scrub does not redraw this lane. */
export const PodsLane = memo(function PodsLane({ frame, bars, revisions, onSeek, width, showAxis = false }: { frame: LaneFrame; bars: readonly PodBar[]; revisions: readonly RevisionInfo[]; onSeek?: (t: number) => void; width: number; showAxis?: boolean }) {
  const [tip, setTip] = useState<Tip | null>(null);
  const rowH = rowHeight(bars.length);
  const layout = useLaneLayout();
  const pitch = rowPitch(layout, rowH);
  const colourOf = useCallback((hash: string) => revisionColour(revisions.find((r) => r.hash === hash)?.colour ?? 0), [revisions]);
  const height = bars.length * pitch + layout.margin.top + layout.margin.bottom;
  const onMove = (p: PlotPointer) => {
    const bar = bars[Math.floor(p.py / pitch)];
    const tolerance = ((frame.view.to - frame.view.from) / Math.max(1, width)) * 4;
    setTip(bar ? { x: p.boxX, y: p.boxY, content: describeAt(bar, p.t, tolerance) } : null);
  };
  return (
    <div className="lane lane-scroll" data-testid="lane-pods" style={{ maxHeight: 560 }}>
      <div className="lane-box">
        <LaneChart frame={frame} height={Math.max(height, 40) + (showAxis ? 26 : 0)} showAxis={showAxis} label={`Pods: ${bars.length}, each pod's phases over time, with dropped and stale requests`}>
          <PodRows bars={bars} view={frame.view} colourOf={colourOf} rowH={rowH} />
          <PlotHit view={frame.view} onMove={onMove} onLeave={() => setTip(null)} {...(onSeek ? { onClick: onSeek } : {})} />
        </LaneChart>
        <HoverTip tip={tip} width={width} />
      </div>
    </div>
  );
});
