/**
 * Reports a recurring failure without flooding the log: the first time each kind happens, then every
 * `every`-th repeat with its count. A reader polled five times a second that cannot run says so once,
 * and the counts stay readable for stats.
 */
export class RepeatedErrorReporter {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly sink: (message: string) => void,
    private readonly every = 100,
  ) {}

  report(kind: string, message: string): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    if (count === 1) this.sink(message);
    else if (count % this.every === 0) this.sink(`${message} (${count} times so far)`);
  }

  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  get total(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }
}
