import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { rolloutReport } from '../report/report-model';
import { FiguresAtCursor } from './figures-at-cursor';
import { cursorCaption } from './figures-caption';
import { smallRollout, T0 } from './rollout-fixture.test-support';
import { selectRollout } from './rollout-selection';

const events = smallRollout().build();
const ID = 'demo/web#0';

/** The plain definition: the events received by `t`, folded and measured afresh as of `t`. */
function oracle(t: number) {
  const measured = selectRollout(foldEvents(events.filter((e) => e.at <= t)), { now: t }).measurements;
  return measured ? rolloutReport(measured) : undefined;
}

describe('FiguresAtCursor', () => {
  it('has no figures before the rollout starts and the final report from the last event on', () => {
    const figures = new FiguresAtCursor(events);
    expect(figures.at(T0 + 500, ID)).toEqual({ kind: 'not-started' });
    const lastAt = events[events.length - 1]?.at ?? 0;
    expect(figures.at(lastAt, ID)).toEqual({ kind: 'final' });
  });

  it('counts only what had been received by the cursor: drops arrive with their batch', () => {
    const figures = new FiguresAtCursor(events);
    const before = figures.at(T0 + 4000, ID);
    const after = figures.at(T0 + 4600, ID);
    if (before.kind !== 'at-cursor' || after.kind !== 'at-cursor') throw new Error('expected figures at the cursor');
    expect(before.report.measurements.droppedRequests.total.value).toBe(0);
    expect(after.report.measurements.droppedRequests.total.value).toBe(5);
  });

  it('equals folding and measuring the prefix afresh, forwards and backwards', () => {
    const figures = new FiguresAtCursor(events);
    for (const t of [T0 + 1200, T0 + 3250, T0 + 4600, T0 + 2000, T0 + 29_000, T0 + 3100]) {
      const got = figures.at(t, ID);
      expect(got.kind).toBe('at-cursor');
      if (got.kind === 'at-cursor') expect(got.report).toEqual(oracle(t));
    }
  });

  it('folds only the new events when the cursor moves forward', () => {
    const figures = new FiguresAtCursor(events);
    figures.at(T0 + 3000, ID);
    const first = figures.folded;
    figures.at(T0 + 5000, ID);
    expect(figures.folded).toBe(events.filter((e) => e.at <= T0 + 5000).length);
    expect(figures.folded).toBeGreaterThan(first);
  });
});

describe('cursorCaption', () => {
  it('says at which time of the rollout the figures stand', () => {
    expect(cursorCaption('at-cursor', T0 + 3500, T0 + 1000)).toMatch(/^Figures as they stood at the cursor, \+2\.50 s from the rollout's start/);
    expect(cursorCaption('not-started', T0, T0 + 1000)).toMatch(/\(−1\.00 s from the rollout's start\) the rollout has not started/);
    expect(cursorCaption('final', T0, T0)).toBe('Figures at the end of the recording (final).');
  });
});
