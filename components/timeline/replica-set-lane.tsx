'use client';

import { memo } from 'react';
import { Line, Tooltip, YAxis } from 'recharts';
import type { ReplicaSetSeries } from '../../lib/views/replica-set-history';
import { desiredKey, readyKey, type ReplicaSetRow } from '../../lib/views/replica-set-rows';
import { revisionColour, type RevisionInfo } from '../../lib/views/revision-palette';
import { LaneChart, type LaneFrame } from './lane-chart';
import { useLaneLayout } from './lane-layout';
import { LaneTitle } from './lane-title';
import { formatClock, formatOffset } from './time-format';

interface TipPayload {
  dataKey?: unknown;
  value?: unknown;
  payload?: { at?: number };
}

function RsTooltip({ active, payload, origin, names }: { active?: boolean; payload?: readonly TipPayload[]; origin: number; names: Map<string, string> }) {
  const first = payload?.[0];
  const at = first?.payload?.at;
  if (!active || !payload || at === undefined) return null;
  return (
    <div className="hover-tip static-tip">
      <strong>
        {formatClock(at)} <span className="muted">({formatOffset(at, origin)})</span>
      </strong>
      {payload.map((p) => (
        <div key={String(p.dataKey)}>
          {names.get(String(p.dataKey)) ?? String(p.dataKey)}: {String(p.value)}
        </div>
      ))}
    </div>
  );
}

/** Desired (dashed) and ready (solid) replicas of each ReplicaSet over time, as exact steps. */
/** Memoised: the cursor moves through context, so a scrub does not redraw this lane. */
export const ReplicaSetLane = memo(function ReplicaSetLane({ frame, series, rows, revisions }: { frame: LaneFrame; series: readonly (ReplicaSetSeries & { colour: number })[]; rows: readonly ReplicaSetRow[]; revisions: readonly RevisionInfo[] }) {
  const { margin } = useLaneLayout();
  let max = 1;
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (k !== 'at' && v > max) max = v;
  const names = new Map<string, string>();
  for (const s of series) {
    const label = revisions.find((r) => r.hash === s.templateHash)?.label ?? s.name;
    names.set(desiredKey(s.templateHash ?? s.uid), `${label} desired`);
    names.set(readyKey(s.templateHash ?? s.uid), `${label} ready`);
  }
  return (
    <div className="lane" data-testid="lane-replicasets">
      <LaneChart frame={frame} height={98 + margin.top + margin.bottom} data={rows} axes={<YAxis hide domain={[0, max + 0.5]} />} label={`ReplicaSets: desired and ready replicas of ${series.length} ReplicaSet(s), at most ${max}`}>
        <LaneTitle title="ReplicaSets" detail={`desired ┄ ready ━ (max ${max})`} />
        {series.flatMap((s) => {
          const key = s.templateHash ?? s.uid;
          const colour = revisionColour(s.colour);
          return [
            <Line key={`d-${key}`} dataKey={desiredKey(key)} type="stepAfter" stroke={colour} strokeDasharray="5 4" strokeWidth={1.5} dot={false} isAnimationActive={false} />,
            <Line key={`r-${key}`} dataKey={readyKey(key)} type="stepAfter" stroke={colour} strokeWidth={3} dot={false} isAnimationActive={false} />,
          ];
        })}
        <Tooltip content={<RsTooltip origin={frame.origin} names={names} />} isAnimationActive={false} />
      </LaneChart>
    </div>
  );
});
