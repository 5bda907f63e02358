'use client';

import { useMemo } from 'react';
import type { FoldState } from '../../lib/fold/fold-types';
import { rolloutReport, type RolloutReport } from '../../lib/report/report-model';
import type { ReplicaSetHistory } from '../../lib/views/replica-set-history';
import { selectRollout, type RolloutSelection } from '../../lib/views/rollout-selection';
import { buildTimeline, type TimelineModel } from '../../lib/views/timeline-model';

export interface RolloutData {
  selection: RolloutSelection;
  report?: RolloutReport;
  model?: TimelineModel;
}

/**
 * Selects, measures and lays out one rollout of a folded session. The fold is a mutable accumulator:
 * `version` is what tells this memo it changed. `captureEnded`: a finished recording, judged at its end
 * (never the live page, where more evidence may come).
 */
export function useRollout(fold: FoldState, history: ReplicaSetHistory, version: number, wanted: { deployment?: string; namespace?: string; rollout?: number; captureEnded?: boolean }): RolloutData {
  const { deployment, namespace, rollout, captureEnded } = wanted;
  return useMemo(() => {
    const selection = selectRollout(fold, { ...(deployment ? { deployment } : {}), ...(namespace ? { namespace } : {}), ...(rollout !== undefined ? { rollout } : {}), ...(captureEnded ? { captureEnded } : {}) });
    if (!selection.deployment || !selection.measurements) return { selection };
    return { selection, report: rolloutReport(selection.measurements), model: buildTimeline(fold, selection.deployment, selection.measurements, history) };
  }, [fold, history, version, deployment, namespace, rollout, captureEnded]);
}
