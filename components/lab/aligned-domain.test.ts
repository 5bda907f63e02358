import { describe, expect, it } from 'vitest';
import type { TimelineModel } from '../../lib/views/timeline-model';
import { alignedDomains, niceSpan, timelineOrigin } from './aligned-domain';

function model(from: number, start: number, to: number): TimelineModel {
  return {
    rolloutId: `demo/web#${start}`,
    window: { from, to },
    revisions: [],
    replicaSets: [],
    pods: [],
    nodes: [],
    markers: [{ at: start, kind: 'rollout-start', label: 'rollout started' }],
    gaps: [],
    bands: { control: [], controlMs: 0 },
  };
}

describe('aligned time domains for the lab compare view', () => {
  it('puts each rollout start at the same x with the widest span on either side', () => {
    // A short rollout (2 s before, 3 s after its start) and a long one started much later (4 s before, 20 s after).
    const [a, b] = alignedDomains([model(10_000, 12_000, 15_000), model(100_000, 104_000, 124_000)]);
    // 4 s before and 20 s after, padded to 8 steps of 5 s: -5 s … +35 s.
    expect(a).toEqual({ from: 7_000, to: 47_000 });
    expect(b).toEqual({ from: 99_000, to: 139_000 });
    // Same span, same offset of t = 0: the same scale and domain relative to each start.
    expect((a?.to ?? 0) - (a?.from ?? 0)).toBe((b?.to ?? 0) - (b?.from ?? 0));
    expect(12_000 - (a?.from ?? 0)).toBe(104_000 - (b?.from ?? 0));
  });

  it('falls back to the window start when a model has no start marker', () => {
    const m = { ...model(5_000, 7_000, 9_000), markers: [] };
    expect(timelineOrigin(m)).toBe(5_000);
    expect(alignedDomains([m])).toEqual([{ from: 5_000, to: 9_000 }]);
  });

  it('pads the span to whole tick steps with a tick on t = 0', () => {
    // The lab's broken run at time scale 10: 2 s margin before, 4.73 s after.
    expect(niceSpan(2000, 4730)).toEqual({ before: 2000, after: 6000 });
    expect(niceSpan(2000, 2000)).toEqual({ before: 2000, after: 2000 });
    expect(niceSpan(130, 1900)).toEqual({ before: 500, after: 3500 });
    for (const [b, a] of [[2000, 4730], [130, 1900], [7_300, 61_000], [1, 1]] as const) {
      const s = niceSpan(b, a);
      expect(s.before).toBeGreaterThanOrEqual(b);
      expect(s.after).toBeGreaterThanOrEqual(a);
      const step = (s.before + s.after) / 8;
      expect(s.before % step).toBe(0);
    }
  });
});
