import { describe, expect, it } from 'vitest';
import { labelChars, laneLayout, rowPitch } from './lane-layout';

describe('laneLayout', () => {
  it('stacks the labels on a phone, so the plot takes the width', () => {
    const phone = laneLayout(375 - 32);
    expect(phone.stacked).toBe(true);
    expect(343 - phone.margin.left - phone.margin.right).toBeGreaterThanOrEqual(300);
    expect(rowPitch(phone, 22)).toBe(34);
  });

  it('keeps the labels in the left margin from 640 px, and before the width is known', () => {
    for (const width of [0, 640, 1248]) expect(laneLayout(width)).toMatchObject({ stacked: false, labelHeight: 0, margin: { left: 190 } });
    expect(rowPitch(laneLayout(1248), 22)).toBe(22);
  });

  it('fits labels to the margin, or to the plot when stacked', () => {
    expect(labelChars(laneLayout(1248), 12, 1000)).toBe(24);
    expect(labelChars(laneLayout(343), 12, 320)).toBe(43);
  });
});
