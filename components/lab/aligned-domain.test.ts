import { describe, expect, it } from 'vitest';
import type { TimelineModel } from '../../lib/views/timeline-model';
import { alignedDomains, timelineOrigin } from './aligned-domain';

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
    expect(a).toEqual({ from: 8_000, to: 32_000 });
    expect(b).toEqual({ from: 100_000, to: 124_000 });
    // Same span, same offset of t = 0: the same scale and domain relative to each start.
    expect((a?.to ?? 0) - (a?.from ?? 0)).toBe((b?.to ?? 0) - (b?.from ?? 0));
    expect(12_000 - (a?.from ?? 0)).toBe(104_000 - (b?.from ?? 0));
  });

  it('falls back to the window start when a model has no start marker', () => {
    const m = { ...model(5_000, 7_000, 9_000), markers: [] };
    expect(timelineOrigin(m)).toBe(5_000);
    expect(alignedDomains([m])).toEqual([{ from: 5_000, to: 9_000 }]);
  });
});
