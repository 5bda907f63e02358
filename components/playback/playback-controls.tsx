'use client';

import { useState } from 'react';
import type { Span } from '../../lib/measure/intervals';
import { SPEEDS, paramFromCursor } from '../../lib/views/playback';
import { formatClock, formatOffset } from '../timeline/time-format';
import type { Playback } from './use-playback';

/** Play / pause, speed, a scrubber over the whole recording, and a link that opens it at the cursor. */
export function PlaybackControls({ p, range }: { p: Playback; range: Span }) {
  const [copied, setCopied] = useState(false);
  const link = () => {
    const url = new URL(window.location.href);
    url.searchParams.set('t', paramFromCursor(p.cursor, range));
    window.history.replaceState(null, '', url);
    void navigator.clipboard?.writeText(url.toString()).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="playback" data-testid="playback">
      <button type="button" onClick={p.playing ? p.pause : p.play} data-testid="play" aria-label={p.playing ? 'Pause' : 'Play'}>
        {p.playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <label>
        speed{' '}
        <select value={p.speed} onChange={(e) => p.setSpeed(Number(e.target.value))} data-testid="speed">
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <input
        type="range"
        min={range.from}
        max={range.to}
        step={Math.max(1, (range.to - range.from) / 2000)}
        value={p.cursor}
        onChange={(e) => p.seek(Number(e.target.value))}
        aria-label="Scrub"
        data-testid="scrubber"
      />
      <span className="clock mono" data-testid="cursor-time" data-cursor={p.cursor}>
        {formatClock(p.cursor)} ({formatOffset(p.cursor, range.from)})
      </span>
      <button type="button" onClick={link} title="Put the cursor time in the address and copy the link">
        {copied ? 'Link copied' : 'Link to this time'}
      </button>
      <span className="muted keys">space ▶/❚❚ · ←/→ 1 s (⇧ 10 s) · +/− speed</span>
    </div>
  );
}
