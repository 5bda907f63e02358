'use client';

import { memo } from 'react';
import { Area, AreaChart, Brush, XAxis, YAxis } from 'recharts';
import type { ReplicaSetRow } from '../../lib/views/replica-set-rows';
import { readyKey } from '../../lib/views/replica-set-rows';
import { revisionColour, type RevisionInfo } from '../../lib/views/revision-palette';
import { useLaneLayout } from './lane-layout';
import { formatOffset } from './time-format';

export interface BrushRange {
  startIndex: number;
  endIndex: number;
}

/** The overview: ready pods per revision over the whole window, with a brush that sets every lane's zoom. */
/** Memoised: the cursor moves through context, so a scrub does not redraw this lane. */
export const ZoomBrush = memo(function ZoomBrush({ samples, revisions, range, origin, onChange }: { samples: readonly ReplicaSetRow[]; revisions: readonly RevisionInfo[]; range: BrushRange; origin: number; onChange: (r: BrushRange) => void }) {
  const { margin } = useLaneLayout();
  const from = samples[range.startIndex]?.at;
  const to = samples[range.endIndex]?.at;
  // Both handles carry this label (recharts gives one to both); it says the zoom in the axis's words.
  const ariaLabel = from !== undefined && to !== undefined ? `Zoom of every lane: from ${formatOffset(from, origin)} to ${formatOffset(to, origin)} of the rollout; arrow keys move the focused handle` : 'Zoom of every lane';
  return (
    <div className="lane zoom-brush" data-testid="zoom-brush" title="Drag the handles to zoom every lane">
      <AreaChart responsive style={{ width: '100%', height: 64 }} data={samples as ReplicaSetRow[]} margin={{ left: margin.left, right: margin.right, top: 2, bottom: 0 }} accessibilityLayer={false}>
        <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} hide />
        <YAxis hide />
        {revisions.map((r) => (
          <Area key={r.hash} dataKey={readyKey(r.hash)} type="stepAfter" stroke={revisionColour(r.colour)} fill={revisionColour(r.colour)} fillOpacity={0.25} isAnimationActive={false} stackId="ready" />
        ))}
        <Brush
          dataKey="at"
          height={22}
          travellerWidth={10}
          startIndex={range.startIndex}
          endIndex={range.endIndex}
          // A neutral grey: the overlap band's purple would read as a measured window.
          stroke="#6b7280"
          ariaLabel={ariaLabel}
          fill="transparent"
          // No labels on the handles: at the lane's edges they spill past it, and the lanes' axis below
          // already shows the zoomed times as a handle moves.
          tickFormatter={() => ''}
          onChange={(next) => {
            if (typeof next.startIndex === 'number' && typeof next.endIndex === 'number') onChange({ startIndex: next.startIndex, endIndex: next.endIndex });
          }}
        />
      </AreaChart>
    </div>
  );
});
