import type { Span } from '../../lib/measure/intervals';
import type { TimelineModel } from '../../lib/views/timeline-model';

/** Where a timeline's axis reads 0: its rollout's start marker (the timeline's own origin). */
export function timelineOrigin(model: TimelineModel): number {
  return model.markers.find((m) => m.kind === 'rollout-start')?.at ?? model.window.from;
}

/**
 * One time domain for several rollouts, each shifted to its own start: the same span before and after
 * t = 0 for all of them (the widest of their windows), so equal times sit at equal x.
 */
export function alignedDomains(models: readonly TimelineModel[]): Span[] {
  let before = 0;
  let after = 0;
  for (const m of models) {
    const origin = timelineOrigin(m);
    before = Math.max(before, origin - m.window.from);
    after = Math.max(after, m.window.to - origin);
  }
  return models.map((m) => {
    const origin = timelineOrigin(m);
    return { from: origin - before, to: origin + after };
  });
}
