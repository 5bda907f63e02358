import { describe, expect, it } from 'vitest';
import { MAX_EVENT_TIME_MS } from '../events/event-time';
import { eventTimeSchema } from '../events/event-time';
import { formatTime } from './report-text';

describe('formatTime', () => {
  it('formats a time as UTC, and one a Date cannot hold as its number instead of throwing', () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02 03:04:05.678 UTC');
    expect(formatTime(9e15)).toBe('9000000000000000 ms since the epoch (not a date)');
    expect(formatTime(Number.NaN)).toMatch(/not a date/);
  });

  it('every time the schema accepts, plus a day either side, formats', () => {
    expect(eventTimeSchema.safeParse(Date.UTC(9999, 0, 1)).success).toBe(false);
    expect(eventTimeSchema.safeParse(-1).success).toBe(false);
    expect(formatTime(MAX_EVENT_TIME_MS + 86_400_000)).toMatch(/^2200-01-02/);
    expect(formatTime(-86_400_000)).toMatch(/^1969-12-31/);
  });
});
