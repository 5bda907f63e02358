'use client';

import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { API_ROUTES, recordingListSchema } from '../../lib/http-contract';
import { fetchRecording } from './load-recording';
import { type LoadedRecording, ReplayView } from './replay-view';

/**
 * Whether the server is still writing the recording (the live session's): then more evidence may come and
 * its rollouts are not judged at the file's end. Unknown (the list unreadable) counts as finished, as a file.
 */
async function isBeingWritten(id: string): Promise<boolean> {
  const response = await fetch(API_ROUTES.recordings).catch(() => undefined);
  const parsed = recordingListSchema.safeParse(response?.ok ? await response.json().catch(() => null) : null);
  return parsed.success && parsed.data.recordings.some((r) => r.id === id && r.live);
}

/** `/recordings/[id]`: fetches the recording file from the server and replays it. */
export function RecordingReplay({ id }: { id: string }) {
  const params = useSearchParams();
  const [state, setState] = useState<{ recording?: LoadedRecording; live?: boolean; error?: string }>({});
  useEffect(() => {
    let current = true;
    Promise.all([fetchRecording(id, { fold: true }), isBeingWritten(id)]).then(
      ([recording, live]) => current && setState({ recording, live }),
      (e: unknown) => current && setState({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      current = false;
    };
  }, [id]);
  if (state.error) return <p className="error">{state.error}</p>;
  if (!state.recording) return <p className="muted">Loading {id}…</p>;
  return <ReplayView recording={state.recording} initialT={params.get('t')} initialRollout={params.get('rollout')} captureEnded={state.live !== true} />;
}
