'use client';

import { useState } from 'react';
import { parseRecording } from './load-recording';
import { type LoadedRecording, ReplayView } from './replay-view';

/** Opens a recording from disk and replays it in the browser: nothing is uploaded. */
export function LocalReplay() {
  const [state, setState] = useState<{ recording?: LoadedRecording; error?: string }>({});
  const open = async (file: File | undefined) => {
    if (!file) return;
    try {
      setState({ recording: await parseRecording(file.name, await file.text()) });
    } catch (e) {
      setState({ error: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <>
      <label className="file-open">
        Open a recording (.jsonl) from this computer — it stays in the browser:{' '}
        <input type="file" accept=".jsonl,.ndjson,.json,application/x-ndjson,application/json" onChange={(e) => void open(e.target.files?.[0])} data-testid="open-file" />
      </label>
      {state.error ? <p className="error" data-testid="open-error">{state.error}</p> : null}
      {state.recording ? <ReplayView key={state.recording.name} recording={state.recording} initialT={null} /> : null}
    </>
  );
}
