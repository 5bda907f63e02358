'use client';

import { createContext, useContext } from 'react';
import { usePlotArea } from 'recharts';
import type { Span } from '../../lib/measure/intervals';
import { xOf } from './time-format';

/**
 * The cursor reaches the lanes through context, not props: moving it re-renders only these lines, not
 * the memoised charts and their thousands of shapes.
 */
export const CursorContext = createContext<number | undefined>(undefined);

export const CURSOR_COLOUR = '#d55e00';

/** The cursor across one lane (drawn like a recharts reference line, so exports and styles treat it alike). */
export function CursorLine({ view }: { view: Span }) {
  const cursor = useContext(CursorContext);
  const plot = usePlotArea();
  if (cursor === undefined || !plot || cursor < view.from || cursor > view.to) return null;
  const x = xOf(cursor, view, plot);
  return (
    <g className="recharts-reference-line cursor-line">
      <line x1={x} x2={x} y1={plot.y} y2={plot.y + plot.height} stroke={CURSOR_COLOUR} strokeWidth={2} />
    </g>
  );
}
