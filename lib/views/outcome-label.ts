import { DEFAULT_FOLD_OPTIONS } from '../fold/fold-types';
import type { RolloutView } from '../measure/select-rollouts';
import type { RolloutReport } from '../report/report-model';

export interface OutcomeLabel {
  /** Short, for titles and tabs, e.g. "complete" or "recording ended before settle". */
  text: string;
  /** One sentence saying why, for a tooltip or a note; absent when the short text says it all. */
  note?: string;
  /** True when the recording, not the rollout, is why it is shown unfinished. */
  cutShort: boolean;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;

/**
 * How to call a rollout's outcome on screen. Live, "in-progress" is the truth. In a recording nothing
 * more will come: a rollout still "in-progress" at the file's end was cut short by the recording, and
 * the page says so (the measurement's own outcome stays as lib/measure defines it).
 */
export function outcomeLabel(view: Pick<RolloutView, 'outcome' | 'record'>, source: 'live' | 'recording', settleMs = DEFAULT_FOLD_OPTIONS.settleMs): OutcomeLabel {
  if (view.outcome !== 'in-progress' || source === 'live') return { text: view.outcome, cutShort: false };
  if (view.record.controlCompleteAt !== undefined) {
    return {
      text: 'recording ended before settle',
      note: `The new ReplicaSet was fully available and no old pod was left, but the recording ends before every node had served only the new revision for the ${seconds(settleMs)} settle period; figures cover the rollout up to the end of the file.`,
      cutShort: true,
    };
  }
  return {
    text: 'recording ended mid-rollout',
    note: 'The recording ends while the rollout was still replacing pods; figures cover it up to the end of the file.',
    cutShort: true,
  };
}

/** The rollout's heading, e.g. "demo/web revision 1 → 2: complete", with the outcome as shown. */
export function rolloutHeading(r: Pick<RolloutReport, 'deployment' | 'revisions' | 'rollback'>, label: OutcomeLabel): string {
  const from = r.revisions.from === null ? '?' : String(r.revisions.from);
  return `${r.deployment.namespace}/${r.deployment.name} revision ${from} → ${r.revisions.to}${r.rollback ? ' (rollback)' : ''}: ${label.text}`;
}
