import { describe, expect, it } from 'vitest';
import { SyncRunner, type TimerHost } from './sync-runner';

/** A hand-driven clock: timers fire only when `advance` passes them. */
class ManualTimers implements TimerHost {
  time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  now(): number {
    return this.time;
  }
  setTimer(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + delayMs, callback });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}

function setup(minIntervalMs: number, maxIntervalMs?: number) {
  const timers = new ManualTimers();
  const syncs: number[] = [];
  const runner = new SyncRunner(() => syncs.push(timers.now()), minIntervalMs, timers, 2, maxIntervalMs);
  return { timers, syncs, runner };
}

describe('SyncRunner (minSyncPeriod with a burst of 2)', () => {
  it('syncs twice at once, then defers to minInterval after the last run (as BoundedFrequencyRunner.tryRun)', () => {
    const { timers, syncs, runner } = setup(1000);
    runner.request();
    timers.advance(100);
    runner.request();
    timers.advance(100);
    runner.request(); // bucket empty: deferred to the last run (100) + minInterval, not to when a token is due (1000)
    runner.request(); // coalesces into the pending sync
    timers.advance(2000);
    expect(syncs).toEqual([0, 100, 1100]);
  });

  it('runs every maxInterval with no request, and a run re-arms the periodic timer', () => {
    const { timers, syncs, runner } = setup(1000, 5000);
    timers.advance(5000);
    expect(syncs).toEqual([5000]);
    timers.advance(2000);
    runner.request(); // at 7000: runs, and the next periodic run is 5 s from here
    timers.advance(5000);
    expect(syncs).toEqual([5000, 7000, 12_000]);
  });

  it('a deferred run replaces the periodic timer, which counts again from that run', () => {
    const { timers, syncs, runner } = setup(1000, 1500);
    runner.request();
    runner.request(); // t=0: two tokens, two runs; periodic due at 1500
    timers.advance(200);
    runner.request(); // deferred to 0 + 1000, sooner than the periodic 1500
    timers.advance(3000);
    expect(syncs).toEqual([0, 0, 1000, 2500]);
  });

  it('refuses a maxInterval below minInterval', () => {
    expect(() => setup(1000, 500)).toThrow(/maxIntervalMs/);
  });

  it('refills one token per period, up to two', () => {
    const { timers, syncs, runner } = setup(1000);
    runner.request();
    runner.request();
    timers.advance(5000); // long quiet time: only 2 tokens come back
    runner.request();
    runner.request();
    runner.request();
    timers.advance(3000);
    expect(syncs).toEqual([0, 0, 5000, 5000, 6000]);
  });

  it('a 10 s minSyncPeriod makes a change wait up to 10 s', () => {
    const { timers, syncs, runner } = setup(10_000);
    runner.request();
    runner.request();
    timers.advance(500);
    runner.request();
    timers.advance(20_000);
    expect(syncs).toEqual([0, 0, 10_000]);
  });

  it('minSyncPeriod 0 syncs on every request', () => {
    const { syncs, runner } = setup(0);
    for (let i = 0; i < 5; i++) runner.request();
    expect(syncs).toHaveLength(5);
  });

  it('stop cancels a pending sync', () => {
    const { timers, syncs, runner } = setup(1000);
    runner.request();
    runner.request();
    runner.request();
    runner.stop();
    timers.advance(5000);
    expect(syncs).toEqual([0, 0]);
  });
});
