import { describe, expect, it } from 'vitest';
import { generateRolloutRecording } from '../../bench/ui-bench-data';
import { foldEvents } from '../../lib/fold/reduce';
import { measureAll } from '../../lib/measure/measure-rollout';
import { readRecording } from '../../lib/recording/recording-reader';
import { formatRecording } from '../../lib/recording/recording-writer';
import { createReplicaSetHistory, recordReplicaSetEvents } from '../../lib/views/replica-set-history';
import { parseRecording, readChunks, textChunks } from './load-recording';

function recordingText(): string {
  const { header, events } = generateRolloutRecording({ nodes: 5, replicas: 6, durationMs: 120_000, probeIntervalMs: 200, batchMs: 1000, answersAfterRemovalMs: 1000 });
  // A non-ASCII cluster name: its bytes are split across chunks below.
  return formatRecording({ ...header, cluster: 'clüster-✓' }, events);
}

/** The text's bytes as a stream of chunks of the given sizes (cycled), as a download delivers them. */
function byteStream(text: string, sizes: readonly number[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const n = sizes[i++ % sizes.length] ?? 1;
      controller.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

describe('reading a recording as it downloads', () => {
  const text = recordingText();

  it('decodes a body split anywhere (inside a character too) into the same text', async () => {
    let joined = '';
    for await (const chunk of textChunks(byteStream(text, [1, 7, 4096, 3, 65_536]))) joined += chunk;
    expect(joined).toBe(text);
  });

  it('folds each batch as it is read into what folding the whole recording gives', async () => {
    const whole = await readRecording(text);
    const streamed = await readChunks('r', textChunks(byteStream(text, [333, 65_536, 17])), true);
    expect(streamed.header).toEqual(whole.header);
    expect(streamed.events).toEqual(whole.events);
    expect(streamed.problems).toEqual(whole.problems);
    const fold = foldEvents(whole.events);
    expect(streamed.folded?.fold.eventCount).toBe(fold.eventCount);
    expect(measureAll(streamed.folded?.fold ?? fold)).toEqual(measureAll(fold));
    expect(measureAll(fold).length).toBeGreaterThan(0);
    expect(streamed.folded?.history).toEqual(recordReplicaSetEvents(createReplicaSetHistory(), whole.events));
  });

  it('leaves folding to the caller when not asked, and folds a file opened whole', async () => {
    expect((await readChunks('r', [text], false)).folded).toBeUndefined();
    expect((await parseRecording('r', text)).folded?.fold.eventCount).toBe((await readRecording(text)).events.length);
  });

  it('stops reading the body when the header is bad', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('{"not":"a header"}\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(readChunks('r', textChunks(body), true)).rejects.toThrow(/header/);
    expect(cancelled).toBe(true);
  });
});
