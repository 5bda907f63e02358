import { describe, expect, it } from 'vitest';
import { ClockOffsetEstimator } from './clock-offset';

describe('ClockOffsetEstimator', () => {
  it('estimates the offset from the tightest round trip and bounds it by half that round trip', () => {
    const clock = new ClockOffsetEstimator();
    expect(clock.estimate).toBeUndefined();
    // Agent runs 250 ms ahead of the server.
    clock.add({ serverSent: 1000, agentTime: 1290, serverReceived: 1080 }); // rtt 80: reading taken late
    clock.add({ serverSent: 2000, agentTime: 2252, serverReceived: 2004 }); // rtt 4
    clock.add({ serverSent: 3000, agentTime: 3240, serverReceived: 3030 }); // rtt 30
    expect(clock.estimate).toEqual({ offsetMs: 250, uncertaintyMs: 2 });
    expect(clock.toServerTime(10_250)).toBe(10_000);
  });

  it('forgets old samples beyond its window and ignores impossible ones', () => {
    const clock = new ClockOffsetEstimator(2);
    clock.add({ serverSent: 0, agentTime: 100, serverReceived: 2 });
    clock.add({ serverSent: 10, agentTime: 15, serverReceived: 30 });
    clock.add({ serverSent: 40, agentTime: 45, serverReceived: 60 });
    clock.add({ serverSent: 90, agentTime: 0, serverReceived: 80 });
    expect(clock.estimate?.offsetMs).toBe(-5);
  });
});
