/** Below this width the lanes' labels go above their rows instead of in a left margin. */
export const STACK_BELOW_PX = 640;

export interface LaneLayout {
  /** Every lane's chart margins: the same for all, so their x axes line up to the pixel. */
  margin: { left: number; right: number; top: number; bottom: number };
  /** Labels above each row (narrow screens), else in the left margin. */
  stacked: boolean;
  /** Height of a row's label line when stacked, px (0 otherwise). */
  labelHeight: number;
}

const WIDE: LaneLayout = { margin: { left: 190, right: 28, top: 6, bottom: 6 }, stacked: false, labelHeight: 0 };
const NARROW: LaneLayout = { margin: { left: 8, right: 14, top: 18, bottom: 6 }, stacked: true, labelHeight: 12 };

/**
 * The lanes' layout for a timeline `width` px wide. A 190 px label margin leaves a phone (375 px) a plot
 * of about 105 px; stacked, the plot takes the width and each label sits above its row. An unmeasured
 * width (0, before the first layout) counts as wide.
 */
export function laneLayout(width: number): LaneLayout {
  return width > 0 && width < STACK_BELOW_PX ? NARROW : WIDE;
}

/** Vertical distance from one row to the next: the bar, plus its label line when stacked. */
export function rowPitch(layout: LaneLayout, rowHeight: number): number {
  return rowHeight + layout.labelHeight;
}

/** How many characters of a row label fit: in the left margin, or across the plot when stacked. */
export function labelChars(layout: LaneLayout, fontSize: number, plotWidth: number): number {
  const room = layout.stacked ? plotWidth : layout.margin.left - 10;
  return Math.max(6, Math.floor(room / (fontSize * 0.62)));
}
