import type { CutoverEvent } from '../../lib/events/event-schema';
import { createFoldState } from '../../lib/fold/fold-state';
import { foldEvents } from '../../lib/fold/reduce';
import { API_ROUTES } from '../../lib/http-contract';
import { openRecording, type RecordingProblem } from '../../lib/recording/recording-reader';
import { createReplicaSetHistory, recordReplicaSetEvents } from '../../lib/views/replica-set-history';
import type { LoadedRecording } from './replay-view';

/**
 * Reads a recording with lib's reader (header validated, bad lines reported, not dropped) from text chunks
 * as they come. With `fold`, each batch of events is folded as soon as it is read: a download's parse and
 * fold then run while the rest of the file is still arriving, rather than after it.
 */
export async function readChunks(name: string, chunks: AsyncIterable<string> | Iterable<string>, fold: boolean): Promise<LoadedRecording> {
  const { header, batches } = await openRecording(chunks);
  let events: CutoverEvent[] | undefined;
  const problems: RecordingProblem[] = [];
  const folded = fold ? { fold: createFoldState(), history: createReplicaSetHistory() } : undefined;
  for await (const batch of batches) {
    if (!events) events = batch.events;
    else for (const event of batch.events) events.push(event);
    for (const problem of batch.problems) problems.push(problem);
    if (folded) {
      foldEvents(batch.events, folded.fold);
      recordReplicaSetEvents(folded.history, batch.events);
    }
  }
  const out: LoadedRecording = { name, header, events: events ?? [], problems };
  if (folded) out.folded = folded;
  return out;
}

/** Parses (and folds) a recording's whole text. */
export async function parseRecording(name: string, text: string): Promise<LoadedRecording> {
  return readChunks(name, [text], true);
}

/** A response body as text chunks (a character split across chunks is decoded whole). */
export async function* textChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        const rest = decoder.decode();
        if (rest.length > 0) yield rest;
        return;
      }
      yield decoder.decode(next.value, { stream: true });
    }
  } finally {
    // Reading stopped early (a bad header, an error): stop the download too.
    if (!done) await reader.cancel().catch(() => undefined);
  }
}

/**
 * Fetches a recording from the server and reads it while it downloads; `fold: true` folds it on the way
 * (the replay page), else the caller folds (the lab's compare view).
 */
export async function fetchRecording(id: string, options: { fold?: boolean } = {}): Promise<LoadedRecording> {
  performance.mark('cutover:recording-requested');
  const response = await fetch(API_ROUTES.recording(id));
  if (!response.ok) throw new Error(`recording ${id}: ${response.status} ${response.statusText}`);
  // The UI bench measures from here (response headers in; the body streams) to the timeline drawn.
  performance.mark('cutover:recording-fetched');
  const recording = await readChunks(id, response.body ? textChunks(response.body) : [await response.text()], options.fold === true);
  performance.mark('cutover:recording-parsed');
  if (recording.folded) performance.mark('cutover:recording-folded');
  return recording;
}
