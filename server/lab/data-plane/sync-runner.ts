/** The timer functions a SyncRunner needs, in real ms, so tests can drive it by hand. */
export interface TimerHost {
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/** A timer may fire this many ms before the moment it was set for (clock rounding); such a firing counts as on time. */
const EARLY_FIRE_MS = 2;

/**
 * kube-proxy's BoundedFrequencyRunner (k8s.io/kubernetes pkg/util/async, the runner whose burst of 2
 * DESIGN.md's measurements saw), rule for rule:
 * - a request runs the sync at once if the token bucket has a token. The bucket holds `burst` tokens
 *   (kube-proxy: 2) and refills one every `minIntervalMs` (its `minSyncPeriod`), so two changes close
 *   together sync twice within a few ms: the "burst of 2" that makes sampled sync times upper bounds;
 * - otherwise the request is deferred to `minIntervalMs` after the *last run* (not to when the next
 *   token is due), or to the periodic run if that comes sooner; requests meanwhile coalesce into it, and
 *   the sync applies whatever is latest;
 * - every run re-arms the periodic timer: with no request, the sync still runs every `maxIntervalMs`
 *   (kube-proxy's iptables mode passes one hour; default here: never).
 */
export class SyncRunner {
  private tokens: number;
  private refilledAt: number;
  private lastRun = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private timerDueAt: number | undefined;
  private stopped = false;

  constructor(
    private readonly sync: () => void,
    private readonly minIntervalMs: number,
    private readonly timers: TimerHost,
    private readonly burst = 2,
    private readonly maxIntervalMs = Number.POSITIVE_INFINITY,
  ) {
    if (!(burst >= 1)) throw new Error(`burst must be >= 1, got ${burst}`);
    if (!(maxIntervalMs >= minIntervalMs)) throw new Error(`maxIntervalMs (${maxIntervalMs}) must be >= minIntervalMs (${minIntervalMs})`);
    this.tokens = burst;
    this.refilledAt = timers.now();
    this.arm(maxIntervalMs);
  }

  /** Asks for a sync as soon as the bucket allows (BoundedFrequencyRunner.Run). */
  request(): void {
    if (this.stopped) return;
    this.tryRun(false);
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private tryRun(fromTimer: boolean): void {
    const now = this.timers.now();
    if (this.tryAccept(now, fromTimer)) {
      this.sync();
      this.lastRun = this.timers.now();
      this.arm(this.maxIntervalMs);
      return;
    }
    // Not now: at minInterval after the last run, unless the timer is already due sooner.
    const nextPossible = this.minIntervalMs - (now - this.lastRun);
    const nextScheduled = this.timerDueAt === undefined ? Number.POSITIVE_INFINITY : this.timerDueAt - now;
    this.arm(Math.min(nextPossible, nextScheduled));
  }

  /** The token bucket's TryAccept (minInterval 0: always). */
  private tryAccept(now: number, fromTimer: boolean): boolean {
    if (this.minIntervalMs <= 0) return true;
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) / this.minIntervalMs);
    this.refilledAt = now;
    // A deferred run fires at lastRun + minInterval, when a whole token has always come back since the
    // last run took one; a timer firing a hair early must not push it back by another period.
    if (this.tokens < 1 && fromTimer && now >= this.lastRun + this.minIntervalMs - EARLY_FIRE_MS) this.tokens = 1;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private arm(delayMs: number): void {
    this.disarm();
    if (this.stopped || !Number.isFinite(delayMs)) return;
    // Whole ms, at least 1, so float error cannot fire a timer a tick before it is due.
    const delay = Math.max(1, Math.ceil(delayMs - 1e-6));
    this.timerDueAt = this.timers.now() + delay;
    this.timer = this.timers.setTimer(() => {
      this.timer = undefined;
      this.timerDueAt = undefined;
      if (!this.stopped) this.tryRun(true);
    }, delay);
  }

  private disarm(): void {
    if (this.timerDueAt !== undefined) this.timers.clearTimer(this.timer);
    this.timer = undefined;
    this.timerDueAt = undefined;
  }
}
