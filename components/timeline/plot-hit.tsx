'use client';

import type { MouseEvent } from 'react';
import { usePlotArea } from 'recharts';
import type { Span } from '../../lib/measure/intervals';
import { timeOf } from './time-format';

export interface PlotPointer {
  /** Time under the pointer. */
  t: number;
  /** Pointer position within the plot area. */
  px: number;
  py: number;
  /** Pointer position within the lane's box (for the tooltip). */
  boxX: number;
  boxY: number;
}

/** A transparent rect over the plot area that turns pointer moves and clicks into times. */
export function PlotHit({ view, onMove, onLeave, onClick }: { view: Span; onMove?: (p: PlotPointer) => void; onLeave?: () => void; onClick?: (t: number) => void }) {
  const plot = usePlotArea();
  if (!plot) return null;
  const pointer = (e: MouseEvent<SVGRectElement>): PlotPointer => {
    const svg = e.currentTarget.ownerSVGElement;
    const box = svg?.getBoundingClientRect();
    const boxX = e.clientX - (box?.left ?? 0);
    const boxY = e.clientY - (box?.top ?? 0);
    return { t: timeOf(boxX, view, plot), px: boxX - plot.x, py: boxY - plot.y, boxX, boxY };
  };
  return (
    <rect
      x={plot.x}
      y={plot.y}
      width={plot.width}
      height={plot.height}
      fill="transparent"
      style={{ cursor: onClick ? 'crosshair' : 'default' }}
      onMouseMove={onMove ? (e) => onMove(pointer(e)) : undefined}
      onMouseLeave={onLeave}
      onClick={onClick ? (e) => onClick(pointer(e).t) : undefined}
    />
  );
}
