/** The timer functions a SyncRunner needs, in real ms, so tests can drive it by hand. */
export interface TimerHost {
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/**
 * kube-proxy's BoundedFrequencyRunner: a sync is requested whenever something changed, runs at once
 * while the token bucket allows, and otherwise waits for the next token. The bucket holds `burst`
 * tokens (kube-proxy uses 2) and refills one every `minIntervalMs` (its `minSyncPeriod`). So two
 * changes close together sync twice within a few ms (the "burst of 2" that makes sampled sync
 * timestamps upper bounds), and a third waits until a full period after the first.
 *
 * Requests while a sync is already pending coalesce into it: the sync applies whatever is latest.
 */
export class SyncRunner {
  private tokens: number;
  private refilledAt: number;
  private pending: unknown;
  private hasPending = false;
  private stopped = false;

  constructor(
    private readonly sync: () => void,
    private readonly minIntervalMs: number,
    private readonly timers: TimerHost,
    private readonly burst = 2,
  ) {
    if (!(burst >= 1)) throw new Error(`burst must be >= 1, got ${burst}`);
    this.tokens = burst;
    this.refilledAt = timers.now();
  }

  /** Asks for a sync as soon as the bucket allows. */
  request(): void {
    if (this.stopped || this.hasPending) return;
    const wait = this.waitForToken();
    if (wait <= 0) {
      this.take();
      this.sync();
      return;
    }
    this.hasPending = true;
    this.pending = this.timers.setTimer(() => {
      this.hasPending = false;
      this.pending = undefined;
      if (this.stopped) return;
      // The timer was set for the moment a token is due; take it even if the clock is a hair early.
      this.refill();
      this.tokens = Math.max(this.tokens, 1);
      this.take();
      this.sync();
    }, wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.hasPending) this.timers.clearTimer(this.pending);
    this.hasPending = false;
  }

  /** ms until a token is available (0 or less: now). */
  private waitForToken(): number {
    if (this.minIntervalMs <= 0) return 0;
    this.refill();
    if (this.tokens >= 1) return 0;
    // Whole ms, rounded so float error (0.9999…) cannot fire a timer a tick before the token is due.
    return Math.ceil((1 - this.tokens) * this.minIntervalMs - 1e-6);
  }

  private refill(): void {
    const now = this.timers.now();
    if (this.minIntervalMs > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) / this.minIntervalMs);
    } else {
      this.tokens = this.burst;
    }
    this.refilledAt = now;
  }

  private take(): void {
    this.tokens -= 1;
  }
}
