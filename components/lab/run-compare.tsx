'use client';

import { useMemo, useState } from 'react';
import type { BrushRange } from '../timeline/zoom-brush';
import type { SharedZoom } from '../timeline/timeline';
import type { LabRun, LabScenario } from '../../lib/http-contract';
import type { TimelineModel } from '../../lib/views/timeline-model';
import { alignedDomains } from './aligned-domain';
import styles from './lab.module.css';
import { RunPanel } from './run-panel';
import { runLabel } from './run-list';
import { useRunRollout } from './use-run-rollout';

/**
 * Two finished runs side by side on aligned time axes: t = 0 at each rollout's start, the same span
 * before and after it for both, so what happened later on one side sits further right on both.
 * By default the two newest runs, the older on the left (run broken, then fixed: broken | fixed).
 */
export function RunCompare({ runs, scenarios }: { runs: readonly LabRun[]; scenarios: readonly LabScenario[] }) {
  const done = runs.filter((r) => r.state === 'done' && r.recordingId);
  const [choice, setChoice] = useState<{ left?: string; right?: string }>({});
  const pick = (id: string | undefined, fallback: LabRun | undefined) => done.find((r) => r.id === id) ?? fallback;
  const left = pick(choice.left, done[1] ?? done[0]);
  const right = pick(choice.right, done[1] ? done[0] : undefined);
  const leftRollout = useRunRollout(left?.recordingId);
  const rightRollout = useRunRollout(right?.recordingId);
  const leftModel = leftRollout.data?.model;
  const rightModel = rightRollout.data?.model;
  const domains = useMemo(() => {
    const models = [leftModel, rightModel].filter((m): m is TimelineModel => m !== undefined);
    const aligned = alignedDomains(models);
    return { left: leftModel ? aligned[0] : undefined, right: rightModel ? aligned[leftModel ? 1 : 0] : undefined };
  }, [leftModel, rightModel]);
  // One zoom for both sides, kept while the same two runs are compared: the axes stay aligned when zoomed.
  const pair = `${left?.id ?? ''}|${right?.id ?? ''}`;
  const [zoomed, setZoomed] = useState<{ pair: string; range: BrushRange } | null>(null);
  const zoom: SharedZoom = useMemo(() => ({ range: zoomed?.pair === pair ? zoomed.range : null, onChange: (range) => setZoomed({ pair, range }) }), [zoomed, pair]);
  if (done.length === 0) return <p className="muted">Finished runs appear here side by side, e.g. broken against fixed.</p>;
  const selector = (side: 'left' | 'right', current: LabRun | undefined) => (
    <label>
      {side === 'left' ? 'Left' : 'Right'}{' '}
      <select value={current?.id ?? ''} onChange={(e) => setChoice({ ...choice, [side]: e.target.value })} data-testid={`compare-pick-${side}`}>
        {current ? null : <option value="">—</option>}
        {done.map((r) => (
          <option key={r.id} value={r.id}>
            {runLabel(r)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <>
      <div className={styles.pickers}>
        {selector('left', left)}
        {selector('right', right)}
        <span className="muted">Both timelines read from their own rollout&apos;s start (t = 0) on the same scale, and zoom together.</span>
      </div>
      <div className={styles.sides} data-testid="compare">
        {left ? <RunPanel side="left" run={left} scenario={scenarios.find((s) => s.name === left.scenario)} rollout={leftRollout} domain={domains.left} zoom={zoom} /> : null}
        {right ? <RunPanel side="right" run={right} scenario={scenarios.find((s) => s.name === right.scenario)} rollout={rightRollout} domain={domains.right} zoom={zoom} /> : <p className="muted">Run a second scenario (or the same with other knobs) to compare.</p>}
      </div>
    </>
  );
}
