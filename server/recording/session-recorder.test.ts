import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecording } from '../../lib/recording/recording-reader';
import { EventHub } from '../events/event-hub';
import { SessionRecorder } from './session-recorder';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seq of each whole event line on disk now (the header and a partial last line are not counted). */
function seqsOnDisk(file: string): number[] {
  const lines = readFileSync(file, 'utf8').split('\n').slice(1, -1);
  return lines.map((line) => {
    const parsed = JSON.parse(line) as unknown;
    return Array.isArray(parsed) ? Number(parsed[1]) : Number((parsed as { seq: number }).seq);
  });
}

describe('SessionRecorder.writtenSeq', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('advances only past lines that are on disk, in order, up to the last event', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-recorder-'));
    const hub = new EventHub();
    hub.publish({ type: 'marker', at: 1, label: 'before the recorder' });
    const recorder = new SessionRecorder(dir, { cluster: 'test', startedAt: 0, tool: 'test' }, 'written');
    await recorder.start(hub);
    expect(recorder.writtenSeq).toBeLessThanOrEqual(1);

    const observed: number[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 500; i++) {
        if (i % 2 === 0) hub.publish({ type: 'marker', at: 10 + i, label: `m${round}-${i}` });
        else hub.publish({ type: 'probes', at: 10 + i, node: 'node-a', intervalMs: 10, offsetUncertaintyMs: 1, runs: [['served', 'web-abc-1', 'abc', 200, 10 + i, 10 + i, 1, 1.5, 1.5, 1.5]] });
      }
      // Published, not yet confirmed: writtenSeq lags; whatever it says is on disk already.
      expect(recorder.writtenSeq).toBeLessThan(hub.lastSeq);
      await new Promise((resolve) => setImmediate(resolve));
      const written = recorder.writtenSeq;
      observed.push(written);
      const onDisk = seqsOnDisk(recorder.file);
      expect(onDisk.length).toBeGreaterThanOrEqual(written);
      expect(onDisk.slice(0, written)).toEqual(Array.from({ length: written }, (_, k) => k + 1));
    }
    expect(observed).toEqual([...observed].sort((a, b) => a - b));

    for (let i = 0; i < 200 && recorder.writtenSeq < hub.lastSeq; i++) await sleep(5);
    expect(recorder.writtenSeq).toBe(hub.lastSeq);

    // open() reads the file being written: every event, with the hub's seq.
    let text = '';
    for await (const chunk of await recorder.open()) text += chunk.toString();
    const { events, problems } = await readRecording(text);
    expect(problems).toEqual([]);
    expect(events).toEqual(hub.since(0));

    // open(afterSeq) starts at the checkpoint before it: every event from afterSeq + 1 on, few before it.
    for (const after of [0, 1023, 1024, 3000, hub.lastSeq - 1]) {
      let part = '';
      for await (const chunk of await recorder.open(after)) part += chunk.toString();
      const read = await readRecording(part);
      expect(read.problems).toEqual([]);
      const first = read.events[0]?.seq ?? Infinity;
      expect(first).toBeLessThanOrEqual(after + 1);
      expect(first).toBeGreaterThan(after - 1024);
      expect(read.events).toEqual(hub.since(first - 1));
    }
    await recorder.stop();
    expect(recorder.writtenSeq).toBe(hub.lastSeq);
  });
});
