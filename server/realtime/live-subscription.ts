import type { CutoverEvent } from '../../lib/events/event-schema';
import { openRecording } from '../../lib/recording/recording-reader';
import type { EventHub } from '../events/event-hub';
import { asText } from './recording-feed';

export interface LiveRequest {
  hub: EventHub;
  /** The subscription's scope: stateful, so every event from `scanFrom` on passes through it, in order. */
  admit: (event: CutoverEvent) => boolean;
  /** Events with a greater seq are sent (0: the whole session). */
  from: number;
  /** Where the scope starts reading: 0 for a Deployment (it learns ownership from the start), else `from`. */
  scanFrom: number;
  /** The snapshot holds at least this many events when the session has them (the rest follow in batches). */
  snapshotEvents?: number;
}

/** What the socket does with the stream; `subscribe` must take the hub's increments from that moment on. */
export interface LiveSink {
  /** Still this socket's subscription (not replaced by another, not disconnected). */
  current(): boolean;
  snapshot(events: CutoverEvent[]): void;
  events(events: CutoverEvent[]): void;
  subscribe(): void;
  drained(): Promise<void>;
  failed(message: string): void;
}

/**
 * A live subscription: the events above `from`, then every increment, with no gap or duplicate. What the
 * hub still holds is taken from memory; what it evicted (at or below its floor) is read from its archive,
 * the session's recording, as that is being written. Once what was read reaches the floor, the rest
 * is taken from memory and the hub subscribed to in one synchronous step. The floor moves while the file
 * is read, so should the read reach the file's end below the floor, the file is opened again where the
 * read stopped (the recorder indexes its lines' offsets), not from its start. The first events go as the `snapshot`, the rest as `events` batches.
 */
export async function startLive(request: LiveRequest, sink: LiveSink): Promise<void> {
  const { hub, admit, from } = request;
  const snapshotEvents = request.snapshotEvents ?? 5000;
  let seen = request.scanFrom;
  let out: CutoverEvent[] = [];
  let snapshotSent = false;

  const take = (event: CutoverEvent) => {
    if (admit(event) && event.seq > from) out.push(event);
  };
  /** The switch to memory: synchronous from the floor check to the subscription. */
  const goLive = () => {
    for (const event of hub.since(seen)) take(event);
    sink.subscribe();
    if (!snapshotSent) sink.snapshot(out);
    else if (out.length > 0) sink.events(out);
    out = [];
  };
  const send = async () => {
    if (!snapshotSent) {
      if (out.length < snapshotEvents) return;
      sink.snapshot(out);
      snapshotSent = true;
    } else if (out.length > 0) sink.events(out);
    else return;
    out = [];
    await sink.drained();
  };

  while (seen < hub.floorSeq) {
    const archive = hub.archive;
    const passStart = seen;
    if (!archive) return sink.failed(`events up to ${hub.floorSeq} were evicted and the session has no recording to read them from`);
    try {
      const { batches } = await openRecording(asText(await archive.open(seen)));
      for await (const batch of batches) {
        if (!sink.current()) return;
        // Lines beyond what was confirmed may be read too, and a partial last line is a 'truncated' problem:
        // the sequence numbers, not the lines, say what was read.
        for (const event of batch.events) {
          if (event.seq <= seen) continue;
          if (event.seq !== seen + 1) throw new Error(`the recording goes from event ${seen} to ${event.seq}`);
          seen = event.seq;
          take(event);
        }
        if (seen >= hub.floorSeq) return goLive();
        await send();
      }
    } catch (error) {
      if (sink.current()) sink.failed(`the session's history could not be read from its recording: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!sink.current()) return;
    if (seen < hub.floorSeq && seen === passStart) {
      const failure = archive.failure;
      return sink.failed(
        failure
          ? `the recording failed after event ${seen} (${failure.message}): events ${seen + 1}..${hub.floorSeq} are no longer held`
          : `the recording ends before event ${hub.floorSeq}, which it confirmed written`,
      );
    }
  }
  goLive();
}
