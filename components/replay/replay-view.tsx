'use client';

import { useMemo, useState } from 'react';
import type { CutoverEvent } from '../../lib/events/event-schema';
import type { FoldState } from '../../lib/fold/fold-types';
import { foldEvents } from '../../lib/fold/reduce';
import type { RecordingHeader } from '../../lib/recording/recording-header';
import type { RecordingProblem } from '../../lib/recording/recording-reader';
import { buildReport } from '../../lib/report/report-model';
import { outcomeLabel } from '../../lib/views/outcome-label';
import { FiguresAtCursor } from '../../lib/views/figures-at-cursor';
import { cursorFromParam } from '../../lib/views/playback';
import { createReplicaSetHistory, recordReplicaSetEvents, type ReplicaSetHistory } from '../../lib/views/replica-set-history';
import { locateRollout } from '../../lib/views/rollout-selection';
import { DeploymentPicker } from '../live/deployment-picker';
import { EventLog } from '../log/event-log';
import { PlaybackControls } from '../playback/playback-controls';
import { useThrottled } from '../playback/use-throttled';
import { usePlayback, usePlaybackKeys } from '../playback/use-playback';
import { RolloutView } from '../rollout/rollout-view';
import { useRollout } from '../rollout/use-rollout';

export interface LoadedRecording {
  name: string;
  header: RecordingHeader;
  events: CutoverEvent[];
  problems: RecordingProblem[];
  /** The events already folded (and the ReplicaSets' history) when the loader folded them as they came. */
  folded?: { fold: FoldState; history: ReplicaSetHistory };
}

/**
 * A recording replayed: folded once (the whole timeline is drawn), a cursor played or scrubbed across it,
 * the event log following the cursor. Later parts are dimmed in the log, not hidden, so the shape of the
 * whole rollout stays in view while stepping through it.
 */
export function ReplayView({ recording, initialT, initialRollout = null, captureEnded = true }: { recording: LoadedRecording; initialT: string | null; initialRollout?: string | null; captureEnded?: boolean }) {
  const { fold, history } = useMemo(() => {
    if (recording.folded) return recording.folded;
    const fold = foldEvents(recording.events);
    performance.mark('cutover:recording-folded');
    return { fold, history: recordReplicaSetEvents(createReplicaSetHistory(), recording.events) };
  }, [recording]);
  const range = useMemo(() => {
    const first = recording.events[0]?.at ?? recording.header.startedAt;
    const last = recording.events[recording.events.length - 1]?.at ?? first;
    return { from: first, to: Math.max(last, first + 1) };
  }, [recording]);
  // `?rollout=demo/web#1` (the history's links) opens the recording on that rollout.
  const located = useMemo(() => (initialRollout ? locateRollout(fold, initialRollout, captureEnded ? { captureEnded } : {}) : undefined), [fold, initialRollout, captureEnded]);
  const [choice, setChoice] = useState({ namespace: located?.namespace ?? '', deployment: located?.deployment ?? '' });
  const [rolloutIndex, setRolloutIndex] = useState<number | undefined>(located?.rollout);
  // A finished recording is a capture that has stopped: judged at its end, as `cutover report` judges the same
  // file. The live session's own file, still being written, is not (`captureEnded` false).
  const data = useRollout(fold, history, fold.version, { ...choice, ...(rolloutIndex !== undefined ? { rollout: rolloutIndex } : {}), captureEnded });
  const startAt = data.report?.startedAtMs;
  const p = usePlayback(range, cursorFromParam(initialT, range) ?? (startAt !== undefined ? Math.max(range.from, startAt - 2000) : range.from));
  usePlaybackKeys(p, range);
  const rollouts = data.selection.deployment?.rollouts ?? [];
  // The headline figures follow the cursor: the rollout measured from what had arrived by then. Measured
  // at most every 250 ms, so a scrub stays smooth.
  const atCursor = useMemo(() => new FiguresAtCursor(recording.events), [recording]);
  const figuresCursor = useThrottled(p.cursor, 250);
  const rolloutId = data.report?.id;
  const cursorFigures = useMemo(() => (rolloutId !== undefined ? atCursor.at(figuresCursor, rolloutId) : undefined), [atCursor, figuresCursor, rolloutId]);
  return (
    <div className="replay" data-testid="replay">
      <header className="page-header">
        <h1 className="mono">{recording.name}</h1>
        <span className="muted">
          {recording.header.cluster}
          {recording.header.namespace ? ` / ${recording.header.namespace}` : ''} · {recording.events.length} events · times from {recording.header.timeSource}
        </span>
        <DeploymentPicker namespaces={data.selection.namespaces} namespace={choice.namespace} deployments={data.selection.deployments} deployment={choice.deployment} onChange={(next) => { setChoice(next); setRolloutIndex(undefined); }} />
      </header>
      {recording.problems.length > 0 ? (
        <p className="error" data-testid="recording-problems">
          {recording.problems.length} line(s) could not be read and were skipped: {recording.problems.slice(0, 3).map((x) => `line ${x.line}: ${x.message}`).join('; ')}
        </p>
      ) : null}
      <PlaybackControls p={p} range={range} />
      {rollouts.length > 1 ? (
        <nav className="rollout-tabs" aria-label="Rollouts in this recording">
          {rollouts.map((r, i) => (
            <button key={r.id} type="button" className={i === data.selection.index ? 'active' : undefined} onClick={() => { setRolloutIndex(i); p.seek(r.startAt - 2000); }}>
              #{i + 1} → r{r.record.toRevision} {outcomeLabel(r, 'recording').text}
            </button>
          ))}
        </nav>
      ) : null}
      {data.model && data.report ? (
        <RolloutView selection={data.selection} report={data.report} model={data.model} cursor={p.cursor} onSeek={p.seek} exportName={`${recording.name}-${data.report.id}`} source="recording" {...(cursorFigures ? { figuresAt: { figures: cursorFigures, cursor: figuresCursor } } : {})} fullReport={() => buildReport(fold, recording.header, captureEnded ? { captureEnded } : {})} />
      ) : (
        <p className="empty-state">No rollout in this recording: it holds {recording.events.length} events but no Deployment changed its pod template while it was recorded.</p>
      )}
      <EventLog events={recording.events} version={fold.version} cursor={p.cursor} onSeek={p.seek} />
    </div>
  );
}
