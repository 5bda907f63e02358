import { describe, expect, it } from 'vitest';
import { formatOffset, timeOf, xOf } from './time-format';

describe('time format', () => {
  it.each([
    [1500, '+1.50 s'],
    [-500, '−0.50 s'],
    [12_340, '+12.3 s'],
    [185_000, '+3:05'],
  ])('offset %d reads %s', (ms, text) => expect(formatOffset(1000 + ms, 1000)).toBe(text));

  it('maps times to pixels and back, clamped to the plot', () => {
    const view = { from: 1000, to: 2000 };
    const plot = { x: 100, width: 500 };
    expect(xOf(1500, view, plot)).toBe(350);
    expect(xOf(0, view, plot)).toBe(100);
    expect(xOf(9999, view, plot)).toBe(600);
    expect(timeOf(350, view, plot)).toBe(1500);
  });
});
