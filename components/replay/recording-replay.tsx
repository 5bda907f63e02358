'use client';

import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { fetchRecording } from './load-recording';
import { type LoadedRecording, ReplayView } from './replay-view';

/** `/recordings/[id]`: fetches the recording file from the server and replays it. */
export function RecordingReplay({ id }: { id: string }) {
  const params = useSearchParams();
  const [state, setState] = useState<{ recording?: LoadedRecording; error?: string }>({});
  useEffect(() => {
    let live = true;
    fetchRecording(id, { fold: true }).then(
      (recording) => live && setState({ recording }),
      (e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [id]);
  if (state.error) return <p className="error">{state.error}</p>;
  if (!state.recording) return <p className="muted">Loading {id}…</p>;
  return <ReplayView recording={state.recording} initialT={params.get('t')} />;
}
