'use client';

import { usePlotArea } from 'recharts';

/** The lane's name in the left margin, where the row labels of the other lanes are. */
export function LaneTitle({ title, detail }: { title: string; detail?: string }) {
  const plot = usePlotArea();
  if (!plot) return null;
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
