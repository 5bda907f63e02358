import type { CursorFigures } from '../../lib/views/figures-at-cursor';
import { cursorCaption } from '../../lib/views/figures-caption';

/** Says what time the figures below stand at: the cursor's, or the rollout's end. */
export function FiguresCaption({ figures, cursor, startedAtMs, onSeek }: { figures: CursorFigures; cursor: number; startedAtMs: number; onSeek?: (t: number) => void }) {
  const caption = cursorCaption(figures.kind, cursor, startedAtMs);
  return (
    <p className="muted figures-caption" data-testid="figures-caption" data-kind={figures.kind}>
      {caption}
      {figures.kind === 'not-started' && onSeek ? (
        <>
          {' '}
          <button type="button" onClick={() => onSeek(Number.MAX_SAFE_INTEGER)}>
            go to the end
          </button>
        </>
      ) : null}
    </p>
  );
}
