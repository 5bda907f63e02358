import { z } from 'zod';

/**
 * The range an event time (ms since the epoch) may take in an event, a recording or an agent's batch:
 * 1970 to 2200. Far inside what a Date can hold (±8.64e15 ms), so a time, and any time derived from it
 * by adding a lag or an interval, formats and compares without a RangeError; a year-9999 or negative
 * time is refused at the boundary instead of crashing a report later.
 */
export const MIN_EVENT_TIME_MS = 0;
export const MAX_EVENT_TIME_MS = Date.UTC(2200, 0, 1);

export const eventTimeSchema = z.number().finite().min(MIN_EVENT_TIME_MS).max(MAX_EVENT_TIME_MS);

/** The same check, for the hand-written parsers (kept equal to the schema by their property tests). */
export function isEventTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= MIN_EVENT_TIME_MS && v <= MAX_EVENT_TIME_MS;
}
