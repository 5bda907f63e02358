import type { AgentBatchInput } from '../../lib/agent-contract';

/**
 * Batches waiting for the server's acknowledgement, oldest first. Bounded by the number of runs held:
 * when full, the oldest batch goes and its results are counted, so the server learns what was lost.
 */
export class BatchBuffer {
  private readonly batches: AgentBatchInput[] = [];
  private runs = 0;
  private droppedResults = 0;

  constructor(private readonly maxRuns: number) {}

  push(batch: AgentBatchInput): void {
    this.batches.push(batch);
    this.runs += batch.runs.length;
    while (this.runs > this.maxRuns && this.batches.length > 1) {
      const dropped = this.batches.shift();
      if (!dropped) break;
      this.runs -= dropped.runs.length;
      for (const run of dropped.runs) this.droppedResults += run[6];
    }
  }

  peek(): AgentBatchInput | undefined {
    const first = this.batches[0];
    if (!first) return undefined;
    // The loss is reported on the next batch that does get through.
    return this.droppedResults > 0 ? { ...first, droppedResults: (first.droppedResults ?? 0) + this.droppedResults } : first;
  }

  /** The first batch was acknowledged. */
  shift(): void {
    const first = this.batches.shift();
    if (!first) return;
    this.runs -= first.runs.length;
    this.droppedResults = 0;
  }

  get size(): number {
    return this.batches.length;
  }

  get totalDropped(): number {
    return this.droppedResults;
  }
}
