'use client';

import { type ReactNode, useId } from 'react';
import { ComposedChart, Line, ReferenceArea, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { Gap } from '../../lib/fold/fold-types';
import type { Span } from '../../lib/measure/intervals';
import type { OverlapBands } from '../../lib/views/timeline-model';
import { CursorLine } from './cursor-line';
import { AXIS_HEIGHT, useLaneLayout } from './lane-layout';
import { formatTickOffset, offsetTicks } from '../../lib/views/time-ticks';

export interface LaneFrame {
  view: Span;
  /** The rollout's start: the axis reads as time since it. */
  origin: number;
  bands: OverlapBands;
  gaps: readonly Gap[];
  /** Rollout start and end, drawn across every lane. */
  edges: readonly number[];
}

interface LaneChartProps {
  frame: LaneFrame;
  height: number;
  showAxis?: boolean;
  data?: readonly object[];
  yDomain?: [number, number];
  children?: ReactNode;
  /** Before the lines/layers (e.g. a recharts YAxis); children come after the bands. */
  axes?: ReactNode;
  /** What the lane shows, for screen readers (the chart is an image to them). */
  label: string;
}

/**
 * One lane of the timeline: a recharts chart with the shared time axis, the overlap bands, source gaps,
 * the rollout edges and the cursor. What the lane shows goes in as children (recharts series or layers).
 */
export function LaneChart({ frame, height, showAxis = false, data, yDomain = [0, 1], children, axes, label }: LaneChartProps) {
  const id = useId().replace(/:/g, '');
  const { margin } = useLaneLayout();
  const { view, bands } = frame;
  const rows = data ?? [{ at: view.from, z: 0 }, { at: view.to, z: 0 }];
  const ticks = showAxis ? offsetTicks(view, frame.origin) : [];
  const step = ticks.length > 1 ? (ticks[1] ?? 0) - (ticks[0] ?? 0) : 1000;
  return (
    <ComposedChart
      responsive
      style={{ width: '100%', height }}
      data={rows as object[]}
      // The axis's own height is added below the margin by recharts.
      margin={margin}
      // Mouse-driven lanes with their own tips: recharts' keyboard layer would add a tab stop that does nothing.
      accessibilityLayer={false}
      role="img"
      aria-label={label}
    >
      <defs>
        <pattern id={`gap-${id}`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" fill="#8a8a8a" fillOpacity="0.10" />
          <line x1="0" y1="0" x2="0" y2="6" stroke="#8a8a8a" strokeWidth="2" strokeOpacity="0.5" />
        </pattern>
      </defs>
      <XAxis
        dataKey="at"
        type="number"
        domain={[view.from, view.to]}
        allowDataOverflow
        hide={!showAxis}
        ticks={ticks}
        tickFormatter={(t: number) => formatTickOffset(t, frame.origin, step)}
        tick={{ fontSize: 12, fill: 'currentColor' }}
        stroke="currentColor"
        height={AXIS_HEIGHT}
      />
      {axes ?? <YAxis hide domain={yDomain} />}
      {bands.control.map((s) => (
        <ReferenceArea key={`cp-${s.from}`} className="overlap-band-control" x1={s.from} x2={s.to} ifOverflow="hidden" fill="#7f6fb0" fillOpacity={0.16} stroke="none" />
      ))}
      {bands.data ? <ReferenceArea className="overlap-band-data" x1={bands.data.from} x2={bands.data.to} ifOverflow="hidden" fill="none" stroke="#7f6fb0" strokeDasharray="5 3" strokeWidth={1.5} /> : null}
      {frame.gaps.map((g) => (
        <ReferenceArea key={`gap-${g.from}-${g.source}`} x1={g.from} x2={g.to} ifOverflow="hidden" fill={`url(#gap-${id})`} stroke="none" />
      ))}
      {frame.edges.map((t) => (
        <ReferenceLine key={`edge-${t}`} x={t} ifOverflow="hidden" stroke="currentColor" strokeOpacity={0.55} strokeDasharray="2 3" />
      ))}
      {/* recharts computes scales (and so draws reference areas and lines) only for charts with a series. */}
      {data ? null : <Line dataKey="z" stroke="none" dot={false} activeDot={false} isAnimationActive={false} />}
      {children}
      <CursorLine view={view} />
    </ComposedChart>
  );
}
