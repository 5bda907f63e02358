/** Every lane shares these margins, so their x axes line up to the pixel. */
export const LANE_MARGIN = { left: 190, right: 28, top: 6, bottom: 6 } as const;
export const AXIS_HEIGHT = 26;

/** Row height for n rows: roomy for a few pods, dense for hundreds (the lane then scrolls). */
export function rowHeight(rows: number): number {
  if (rows <= 12) return 22;
  if (rows <= 40) return 16;
  return 10;
}
