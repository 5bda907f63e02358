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

function setup(minIntervalMs: number) {
  const timers = new ManualTimers();
  const syncs: number[] = [];
  const runner = new SyncRunner(() => syncs.push(timers.now()), minIntervalMs, timers);
  return { timers, syncs, runner };
}

describe('SyncRunner (minSyncPeriod with a burst of 2)', () => {
  it('syncs twice at once, then waits for the next token', () => {
    const { timers, syncs, runner } = setup(1000);
    runner.request();
    timers.advance(100);
    runner.request();
    timers.advance(100);
    runner.request(); // bucket empty: due when a whole token has refilled, 1000 ms after the first
    runner.request(); // coalesces into the pending sync
    timers.advance(2000);
    expect(syncs).toEqual([0, 100, 1000]);
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
