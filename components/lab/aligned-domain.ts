import type { Span } from '../../lib/measure/intervals';
import type { TimelineModel } from '../../lib/views/timeline-model';

/** Where a timeline's axis reads 0: its rollout's start marker (the timeline's own origin). */
export function timelineOrigin(model: TimelineModel): number {
  return model.markers.find((m) => m.kind === 'rollout-start')?.at ?? model.window.from;
}

/** The timeline's axis draws this many evenly spaced ticks (LaneChart's tickCount). */
const AXIS_TICKS = 9;

/** 100 ms, 200 ms, 250 ms, 500 ms, 1 s, 2 s, 2.5 s, 5 s, 10 s, … */
function niceSteps(): number[] {
  const out: number[] = [];
  for (let decade = 100; decade <= 10_000_000; decade *= 10) out.push(decade, decade * 2, decade * 2.5, decade * 5);
  return out;
}

/**
 * Pads [-before, +after] around t = 0 to a whole number of tick steps (AXIS_TICKS - 1 of them), so the
 * evenly spaced ticks fall on round times and one of them on 0.
 */
export function niceSpan(before: number, after: number): { before: number; after: number } {
  const intervals = AXIS_TICKS - 1;
  for (const step of niceSteps()) {
    const b = Math.ceil(before / step) * step;
    const a = Math.ceil(after / step) * step;
    if (b + a <= intervals * step) return { before: b, after: intervals * step - b };
  }
  return { before, after };
}

/**
 * One time domain for several rollouts, each shifted to its own start: the same span before and after
 * t = 0 for all of them (the widest of their windows, padded to round ticks), so equal times sit at equal x.
 */
export function alignedDomains(models: readonly TimelineModel[]): Span[] {
  let widestBefore = 0;
  let widestAfter = 0;
  for (const m of models) {
    const origin = timelineOrigin(m);
    widestBefore = Math.max(widestBefore, origin - m.window.from);
    widestAfter = Math.max(widestAfter, m.window.to - origin);
  }
  const { before, after } = niceSpan(widestBefore, widestAfter);
  return models.map((m) => {
    const origin = timelineOrigin(m);
    return { from: origin - before, to: origin + after };
  });
}
