import { describe, expect, it } from 'vitest';
import { glyphGroups } from './marker-glyphs';
import type { TimelineMarker } from './timeline-markers';

const view = { from: 0, to: 10_000 };
const plot = { x: 100, width: 1000 };
const m = (at: number, kind: TimelineMarker['kind']): TimelineMarker => ({ at, kind, label: kind });

describe('glyphGroups', () => {
  it('draws markers far apart one glyph each, centred on their time', () => {
    const groups = glyphGroups([m(0, 'rollout-start'), m(5000, 'deletion'), m(10_000, 'rollout-end')], view, plot);
    expect(groups.map((g) => [g.text, g.x + 5.5])).toEqual([['▶', 100], ['✕', 600], ['■', 1100]]);
  });

  it("groups a rollout's first instant into one readable group with counts per kind, instead of a pile", () => {
    const start = [m(0, 'rollout-start'), m(10, 'deletion'), m(12, 'endpoint-unready'), m(15, 'deletion'), m(20, 'endpoint-ready'), m(21, 'endpoint-unready'), m(30, 'endpoint-ready'), m(31, 'deletion')];
    const groups = glyphGroups([...start, m(6000, 'rollout-end')], view, plot);
    expect(groups.map((g) => g.text)).toEqual(['▶✕3▼2▲2', '■']);
    expect(groups[0]?.markers).toHaveLength(8);
  });

  it('never lets two groups overlap, and leaves out what is outside the view', () => {
    const many = Array.from({ length: 200 }, (_, i) => m(i * 37, i % 2 ? 'endpoint-ready' : 'deletion'));
    const groups = glyphGroups([...many, m(-5, 'user'), m(20_000, 'user')], view, plot);
    for (let i = 1; i < groups.length; i++) expect(groups[i]?.x ?? 0).toBeGreaterThan((groups[i - 1]?.x ?? 0) + (groups[i - 1]?.width ?? 0));
    expect(groups.reduce((n, g) => n + g.markers.length, 0)).toBe(200);
  });
});
