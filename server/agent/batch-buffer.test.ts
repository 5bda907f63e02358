import { describe, expect, it } from 'vitest';
import type { ProbeRunTuple } from '../../lib/probes/probe-run';
import { BatchBuffer } from './batch-buffer';

const run = (count: number): ProbeRunTuple => ['served', 'web-1', null, 200, 0, 10, count, 1, 2, count];
const batch = (batchSeq: number, runs: ProbeRunTuple[]) => ({ batchSeq, target: 'http://svc', intervalMs: 50, runs });

describe('BatchBuffer', () => {
  it('keeps batches in order until acknowledged', () => {
    const buffer = new BatchBuffer(100);
    buffer.push(batch(0, [run(3)]));
    buffer.push(batch(1, [run(4)]));
    expect(buffer.peek()?.batchSeq).toBe(0);
    buffer.shift();
    expect(buffer.peek()?.batchSeq).toBe(1);
    buffer.shift();
    expect(buffer.peek()).toBeUndefined();
  });

  it('drops the oldest batches past its bound and reports the lost results on the next batch sent', () => {
    const buffer = new BatchBuffer(2);
    buffer.push(batch(0, [run(5)]));
    buffer.push(batch(1, [run(7)]));
    buffer.push(batch(2, [run(1)]));
    expect(buffer.size).toBe(2);
    expect(buffer.peek()).toMatchObject({ batchSeq: 1, droppedResults: 5 });
    buffer.shift();
    expect(buffer.peek()).toMatchObject({ batchSeq: 2 });
    expect(buffer.peek()?.droppedResults).toBeUndefined();
  });

  it('counts a discarded batch as dropped, from its earliest result, on the next batch sent', () => {
    const buffer = new BatchBuffer(100);
    buffer.push(batch(0, [['served', 'web-1', null, 200, 40, 60, 2, 1, 2, 3], ['timeout', null, null, null, 25, 25, 1, 0, 0, 0]]));
    buffer.push(batch(1, [run(4)]));
    buffer.discard();
    expect(buffer.peek()).toMatchObject({ batchSeq: 1, droppedResults: 3, droppedFrom: 25 });
    buffer.shift();
    buffer.push(batch(2, [run(1)]));
    expect(buffer.peek()?.droppedFrom).toBeUndefined();
  });
});
