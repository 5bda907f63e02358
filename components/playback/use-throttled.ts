'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * `value`, changed at most every `ms`: the first change at once, the latest one when the interval is over.
 * For work too heavy for every frame of a scrub or a playback (measuring at the cursor).
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - performance.now();
    if (wait <= 0) {
      last.current = performance.now();
      setShown(value);
      return;
    }
    const timer = setTimeout(() => {
      last.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}
