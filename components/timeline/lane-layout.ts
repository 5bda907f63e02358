'use client';

import { createContext, useContext } from 'react';
import { type LaneLayout, laneLayout } from '../../lib/views/lane-layout';

export const AXIS_HEIGHT = 26;

/** The timeline's lane layout (margins, stacked labels), given by the timeline for its width. */
export const LaneLayoutContext = createContext<LaneLayout>(laneLayout(0));

export function useLaneLayout(): LaneLayout {
  return useContext(LaneLayoutContext);
}

/** Row height for n rows: roomy for a few pods, dense for hundreds (the lane then scrolls). */
export function rowHeight(rows: number): number {
  if (rows <= 12) return 22;
  if (rows <= 40) return 16;
  return 10;
}
