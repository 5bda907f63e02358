import type { Span } from '../measure/intervals';

export const SPEEDS = [0.25, 0.5, 1, 2, 4, 10, 30] as const;

/** One frame of playback: the cursor moves dt × speed, and stops at the end. */
export function advanceCursor(cursor: number, dtMs: number, speed: number, range: Span): { cursor: number; ended: boolean } {
  const next = cursor + Math.max(0, dtMs) * speed;
  return next >= range.to ? { cursor: range.to, ended: true } : { cursor: Math.max(range.from, next), ended: false };
}

export function clampCursor(t: number, range: Span): number {
  return Math.min(range.to, Math.max(range.from, t));
}

export function nextSpeed(speed: number, direction: 1 | -1): number {
  const i = SPEEDS.findIndex((s) => s >= speed);
  const at = i < 0 ? SPEEDS.length - 1 : i;
  return SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, at + direction))] ?? 1;
}

/** `?t=12.5` (seconds after the recording's first event) ↔ a cursor time: the shareable "open at" link. */
export function cursorFromParam(param: string | null, range: Span): number | undefined {
  if (param === null || !/^-?\d+(\.\d+)?$/.test(param)) return undefined;
  return clampCursor(range.from + Number(param) * 1000, range);
}

export function paramFromCursor(cursor: number, range: Span): string {
  return ((cursor - range.from) / 1000).toFixed(2);
}
