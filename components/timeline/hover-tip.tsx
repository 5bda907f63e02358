import type { ReactNode } from 'react';

export interface Tip {
  /** Pixel position inside the lane's box. */
  x: number;
  y: number;
  content: ReactNode;
}

/** The hover tooltip of a lane: exact times and bounds, placed beside the pointer and kept inside the lane. */
export function HoverTip({ tip, width }: { tip: Tip | null; width: number }) {
  if (!tip) return null;
  const flip = tip.x > width - 320;
  return (
    <div className="hover-tip" role="tooltip" style={{ top: tip.y + 12, ...(flip ? { right: Math.max(0, width - tip.x + 12) } : { left: tip.x + 12 }) }}>
      {tip.content}
    </div>
  );
}
