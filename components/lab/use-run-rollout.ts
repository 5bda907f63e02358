'use client';

import { useEffect, useMemo, useState } from 'react';
import { foldEvents } from '../../lib/fold/reduce';
import { createReplicaSetHistory, recordReplicaSetEvents } from '../../lib/views/replica-set-history';
import { fetchRecording } from '../replay/load-recording';
import type { LoadedRecording } from '../replay/replay-view';
import { type RolloutData, useRollout } from '../rollout/use-rollout';

export interface RunRollout {
  recording?: LoadedRecording;
  data?: RolloutData;
  error?: string;
}

const EMPTY: LoadedRecording['events'] = [];

/** A finished run's recording, fetched and folded with lib (as the replay page does), and its rollout. */
export function useRunRollout(recordingId: string | undefined): RunRollout {
  const [state, setState] = useState<{ id?: string; recording?: LoadedRecording; error?: string }>({});
  useEffect(() => {
    if (!recordingId) return;
    let live = true;
    fetchRecording(recordingId).then(
      (recording) => live && setState({ id: recordingId, recording }),
      (e: unknown) => live && setState({ id: recordingId, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [recordingId]);
  const current = state.id === recordingId ? state : {};
  const events = current.recording?.events ?? EMPTY;
  const folded = useMemo(() => ({ fold: foldEvents(events), history: recordReplicaSetEvents(createReplicaSetHistory(), events) }), [events]);
  // A finished run's recording: judged at its end, as the replay page and `cutover report` judge it.
  const data = useRollout(folded.fold, folded.history, folded.fold.version, { captureEnded: true });
  if (current.error) return { error: current.error };
  if (!current.recording) return {};
  return { recording: current.recording, data };
}
