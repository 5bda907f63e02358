'use client';

import type { LabRollout } from './use-lab-rollout';

/** On the embedded lab: roll its scenario out from the page (as `kubectl set image` would). */
export function LabRolloutButton({ lab }: { lab: LabRollout }) {
  if (!lab.lab) return null;
  return (
    <span className="lab-rollout">
      <button type="button" data-testid="lab-rollout" disabled={lab.busy} onClick={lab.rollOut} title={`${lab.lab.title} (time scale ${lab.lab.timeScale}×)`}>
        Roll out the lab ({lab.lab.scenario})
      </button>
      {lab.error ? <span className="error">{lab.error}</span> : null}
    </span>
  );
}
