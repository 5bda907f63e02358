'use client';

import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { LagChartRow } from '../../lib/views/lag-chart-rows';
import { formatMs } from '../../lib/views/headline-figures';
import { OKABE_ITO } from '../../lib/views/revision-palette';

/**
 * Worst add and removal lag per node with their error bars, against the Deployment's preStop sleep (what
 * covers a removal lag) and minReadySeconds (what covers an add lag).
 */
export const LagChart = memo(function LagChart({ rows, preStopMs, minReadyMs }: { rows: readonly LagChartRow[]; preStopMs: number; minReadyMs: number }) {
  if (rows.length === 0) return null;
  const height = Math.min(440, 106 + rows.length * 34);
  return (
    <section className="lag-chart" data-testid="lag-chart">
      <h2>Lag per node</h2>
      <BarChart responsive style={{ width: '100%', height }} data={rows as LagChartRow[]} layout="vertical" margin={{ left: 20, right: 40, top: 24, bottom: 8 }}>
        <CartesianGrid horizontal={false} strokeOpacity={0.3} />
        <XAxis type="number" allowDecimals={false} tickFormatter={(v: number) => formatMs(v)} tick={{ fontSize: 12, fill: 'currentColor' }} stroke="currentColor" />
        <YAxis type="category" dataKey="node" width={110} tick={{ fontSize: 12, fill: 'currentColor' }} stroke="currentColor" />
        <Tooltip formatter={(v) => (typeof v === 'number' ? formatMs(v) : String(v))} isAnimationActive={false} contentStyle={{ background: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--line)' }} />
        <Legend />
        <Bar dataKey="removal" name="worst removal lag" fill={OKABE_ITO.blue} isAnimationActive={false}>
          <ErrorBar dataKey="removalError" width={4} stroke="currentColor" direction="x" />
        </Bar>
        <Bar dataKey="add" name="worst add lag" fill={OKABE_ITO.orange} isAnimationActive={false}>
          <ErrorBar dataKey="addError" width={4} stroke="currentColor" direction="x" />
        </Bar>
        <ReferenceLine x={preStopMs} stroke={OKABE_ITO.bluishGreen} strokeWidth={2} strokeDasharray="6 3" label={{ value: `preStop ${formatMs(preStopMs)}`, position: 'top', fill: 'currentColor', fontSize: 12 }} />
        {minReadyMs > 0 ? <ReferenceLine x={minReadyMs} stroke={OKABE_ITO.reddishPurple} strokeWidth={2} strokeDasharray="2 3" label={{ value: `minReadySeconds ${formatMs(minReadyMs)}`, position: 'insideBottomRight', fill: 'currentColor', fontSize: 12 }} /> : null}
      </BarChart>
    </section>
  );
});
