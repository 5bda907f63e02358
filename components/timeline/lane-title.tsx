'use client';

import { usePlotArea } from 'recharts';
import { useLaneLayout } from './lane-layout';

/** The lane's name in the left margin, where the row labels of the other lanes are. */
export function LaneTitle({ title, detail }: { title: string; detail?: string }) {
  const plot = usePlotArea();
  const layout = useLaneLayout();
  if (!plot) return null;
  // Narrow: one line above the plot, where the stacked layout leaves room.
  if (layout.stacked) {
    return (
      <text x={plot.x} y={plot.y - 5} fontSize={11} fill="currentColor">
        <tspan fontWeight={600}>{title}</tspan>
        {detail ? <tspan fillOpacity={0.75}>{` · ${detail}`}</tspan> : null}
      </text>
    );
  }
  return (
    <g>
      <text x={plot.x - 8} y={plot.y + 12} textAnchor="end" fontSize={12} fontWeight={600} fill="currentColor">
        {title}
      </text>
      {detail ? (
        <text x={plot.x - 8} y={plot.y + 28} textAnchor="end" fontSize={11} fill="currentColor" fillOpacity={0.75}>
          {detail}
        </text>
      ) : null}
    </g>
  );
}
