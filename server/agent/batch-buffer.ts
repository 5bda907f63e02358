import type { AgentBatchInput } from '../../lib/agent-contract';

/**
 * Batches waiting for the server's acknowledgement, oldest first. Bounded by the number of runs held:
 * when full, the oldest batch goes and its results are counted, so the server learns what was lost.
 */
export class BatchBuffer {
  private readonly batches: AgentBatchInput[] = [];
  private runs = 0;
  private droppedResults = 0;
  /** Agent time of the earliest result dropped since the last batch that got through. */
  private droppedFrom: number | undefined;

  constructor(private readonly maxRuns: number) {}

  push(batch: AgentBatchInput): void {
    this.batches.push(batch);
    this.runs += batch.runs.length;
    while (this.runs > this.maxRuns && this.batches.length > 1) this.discard();
  }

  /** Drops the first batch and counts its results as lost (the buffer is full, or the server refused what it holds). */
  discard(): void {
    const dropped = this.batches.shift();
    if (!dropped) return;
    this.runs -= dropped.runs.length;
    for (const run of dropped.runs) {
      this.droppedResults += run[6];
      this.droppedFrom = Math.min(this.droppedFrom ?? run[4], run[4]);
    }
  }

  peek(): AgentBatchInput | undefined {
    const first = this.batches[0];
    if (!first) return undefined;
    // The loss is reported on the next batch that does get through.
    if (this.droppedResults === 0) return first;
    return { ...first, droppedResults: (first.droppedResults ?? 0) + this.droppedResults, ...(this.droppedFrom !== undefined ? { droppedFrom: this.droppedFrom } : {}) };
  }

  /** The first batch was acknowledged. */
  shift(): void {
    const first = this.batches.shift();
    if (!first) return;
    this.runs -= first.runs.length;
    this.droppedResults = 0;
    this.droppedFrom = undefined;
  }

  get size(): number {
    return this.batches.length;
  }

  get totalDropped(): number {
    return this.droppedResults;
  }
}
