import { describe, expect, it } from 'vitest';
import { advanceCursor, cursorFromParam, nextSpeed, paramFromCursor } from './playback';

const range = { from: 10_000, to: 20_000 };

describe('playback', () => {
  it.each([
    [10_000, 100, 1, 10_100, false],
    [10_000, 100, 4, 10_400, false],
    [19_950, 100, 1, 20_000, true],
    [12_000, -50, 1, 12_000, false],
  ])('from %d, %d ms at %d× goes to %d (ended %s)', (cursor, dt, speed, to, ended) => {
    expect(advanceCursor(cursor, dt, speed, range)).toEqual({ cursor: to, ended });
  });

  it('steps through the speeds and stops at either end', () => {
    expect(nextSpeed(1, 1)).toBe(2);
    expect(nextSpeed(1, -1)).toBe(0.5);
    expect(nextSpeed(30, 1)).toBe(30);
    expect(nextSpeed(0.25, -1)).toBe(0.25);
  });

  it('round-trips the link time and clamps it', () => {
    expect(cursorFromParam('2.5', range)).toBe(12_500);
    expect(cursorFromParam('99', range)).toBe(20_000);
    expect(cursorFromParam('abc', range)).toBeUndefined();
    expect(cursorFromParam(null, range)).toBeUndefined();
    expect(paramFromCursor(12_500, range)).toBe('2.50');
  });
});
