/**
 * Time inside the lab. Every duration a scenario states (readiness delays, preStop sleeps, grace
 * periods, node lags) is divided by `scale`, so a test can run a 30 s rollout in 1-2 s with every lag
 * scaled alike. Timestamps stay real wall-clock ms: what Cutover measures is real.
 */
export class LabClock {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly scale = 1,
    private readonly wallClock: () => number = Date.now,
  ) {
    if (!(scale > 0)) throw new Error(`time scale must be > 0, got ${scale}`);
  }

  now(): number {
    return this.wallClock();
  }

  /** Real ms for a scenario duration. */
  real(scenarioMs: number): number {
    return scenarioMs / this.scale;
  }

  /** Scenario ms for a real duration (to report injected lags in the scenario's own terms). */
  scenario(realMs: number): number {
    return realMs * this.scale;
  }

  setTimeout(callback: () => void, scenarioMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, this.real(scenarioMs));
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  sleep(scenarioMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, scenarioMs));
  }

  /** Cancels every pending timer: the lab is shutting down. */
  stopAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
