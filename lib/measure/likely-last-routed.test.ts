import { describe, expect, it } from 'vitest';
import { likelyLastRouted } from './likely-last-routed';
import type { Segment } from './routed-requests';

// Failures with no known destination after a pod's last response: dense while the node's rules still hold
// the dead pod, sparse after (conntrack tail). Requests elsewhere come every 50 ms; 7 of them are enough.
const failures = (times: number[]): Segment[] => times.map((t) => ({ first: t, last: t, count: 1, to: undefined }));
const everyFiftyMs = (t: number) => t + 7 * 50;

describe('likelyLastRouted', () => {
  it('ends at the last of the dense failures, not at a conntrack tail failure seconds later', () => {
    expect(likelyLastRouted(failures([1_050, 1_100, 1_250, 1_400, 5_000]), 1_000, 10_000, everyFiftyMs)).toBe(1_400);
  });

  it('is the last response when no failure follows it closely', () => {
    expect(likelyLastRouted(failures([2_000]), 1_000, 10_000, everyFiftyMs)).toBe(1_000);
  });

  it('never passes the end of the window', () => {
    expect(likelyLastRouted(failures([1_050, 1_100]), 1_000, 1_080, everyFiftyMs)).toBe(1_050);
  });

  it('goes on while nothing went elsewhere (every request failed)', () => {
    expect(likelyLastRouted(failures([1_050, 3_000, 6_000]), 1_000, 10_000, () => undefined)).toBe(6_000);
  });
});
