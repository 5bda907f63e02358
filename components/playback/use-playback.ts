'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Span } from '../../lib/measure/intervals';
import { advanceCursor, clampCursor, nextSpeed } from '../../lib/views/playback';

export interface Playback {
  cursor: number;
  playing: boolean;
  speed: number;
  play(): void;
  pause(): void;
  toggle(): void;
  seek(t: number): void;
  setSpeed(s: number): void;
}

/** Plays a cursor through a range at a speed, one step per animation frame (so a hidden tab pauses it). */
export function usePlayback(range: Span, initial?: number): Playback {
  const [cursor, setCursor] = useState(() => initial ?? range.from);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const last = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const step = (now: number) => {
      const dt = last.current === undefined ? 0 : now - last.current;
      last.current = now;
      let ended = false;
      setCursor((c) => {
        const next = advanceCursor(c, dt, speed, range);
        ended = next.ended;
        return next.cursor;
      });
      if (ended) setPlaying(false);
      else frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => {
      cancelAnimationFrame(frame);
      last.current = undefined;
    };
  }, [playing, speed, range]);

  const seek = useCallback((t: number) => setCursor(clampCursor(t, range)), [range]);
  return {
    cursor,
    playing,
    speed,
    play: () => {
      setCursor((c) => (c >= range.to ? range.from : c));
      setPlaying(true);
    },
    pause: () => setPlaying(false),
    toggle: () => setPlaying((p) => !p),
    seek,
    setSpeed,
  };
}

/** Space play/pause, ←/→ one second (Shift: ten), +/- speed, Home/End; ignored while typing in a field. */
export function usePlaybackKeys(p: Playback, range: Span): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) {
        if (!(target instanceof HTMLInputElement && target.type === 'range')) return;
      }
      const step = e.shiftKey ? 10_000 : 1000;
      switch (e.key) {
        case ' ':
          p.toggle();
          break;
        case 'ArrowRight':
          p.seek(p.cursor + step);
          break;
        case 'ArrowLeft':
          p.seek(p.cursor - step);
          break;
        case '+':
        case '=':
          p.setSpeed(nextSpeed(p.speed, 1));
          break;
        case '-':
          p.setSpeed(nextSpeed(p.speed, -1));
          break;
        case 'Home':
          p.seek(range.from);
          break;
        case 'End':
          p.seek(range.to);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [p, range]);
}
