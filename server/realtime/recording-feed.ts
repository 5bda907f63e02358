import type { Socket } from 'socket.io';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { RecordingFormatError, openRecording } from '../../lib/recording/recording-reader';

/** Opens a stored recording's text by id; rejects with a message a browser may read (not found, unreadable). */
export type OpenRecordingText = (id: string) => Promise<AsyncIterable<string | Buffer>>;

export interface RecordingFeed {
  /** Events of the first batches, at least `snapshotEvents` of them unless the file is shorter. */
  first: CutoverEvent[];
  /** The rest, batch by batch; stop early by returning from the loop. */
  rest: AsyncGenerator<CutoverEvent[]>;
  /** Lines that were not valid events so far (reported, not hidden). */
  problems(): number;
}

export async function* asText(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  for await (const chunk of chunks) yield typeof chunk === 'string' ? chunk : chunk.toString('utf8');
}

/**
 * Resolves once socket.io's transport has written what it was given (it has no backpressure of its own),
 * or after `maxWaitMs` should the connection go quiet: a sender that waits here never buffers a whole file.
 */
export function transportDrained(socket: Socket, maxWaitMs = 1000): Promise<void> {
  const transport = socket.conn.transport;
  if (transport.writable) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(fallback);
      transport.off('drain', done);
      resolve();
    };
    const fallback = setTimeout(done, maxWaitMs);
    transport.once('drain', done);
  });
}

/**
 * A stored recording as a stream of event batches for one subscriber: read from disk as it is sent, so
 * a long recording never sits in memory whole. A header that is not a recording's throws RecordingFormatError.
 */
export async function openRecordingFeed(open: OpenRecordingText, id: string, snapshotEvents = 5000): Promise<RecordingFeed> {
  const { batches } = await openRecording(asText(await open(id)));
  let problems = 0;
  const first: CutoverEvent[] = [];
  while (first.length < snapshotEvents) {
    const next = await batches.next();
    if (next.done) break;
    problems += next.value.problems.length;
    first.push(...next.value.events);
  }
  async function* rest(): AsyncGenerator<CutoverEvent[]> {
    for await (const batch of batches) {
      problems += batch.problems.length;
      if (batch.events.length > 0) yield batch.events;
    }
  }
  return { first, rest: rest(), problems: () => problems };
}

export { RecordingFormatError };
