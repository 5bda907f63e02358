import type { CutoverEvent } from '../events/event-schema';
import { createFoldState } from '../fold/fold-state';
import type { FoldState } from '../fold/fold-types';
import { reduce } from '../fold/reduce';
import { type RolloutReport, rolloutReport } from '../report/report-model';
import { locateRollout, selectRollout } from './rollout-selection';

export type CursorFigures =
  /** The cursor is at or past the last event: the rollout's final report (what the page already has). */
  | { kind: 'final' }
  /** The rollout had not started by the cursor. */
  | { kind: 'not-started' }
  /** The rollout measured from the events up to the cursor, by the same lib code as the final report. */
  | { kind: 'at-cursor'; report: RolloutReport };

/**
 * The figures of one rollout as they stood at a time of a recording: the events received up to then,
 * folded and measured exactly as a live session at that moment would be (not judged at the file's end).
 * Folds forward incrementally from the last time asked; a time before it folds again from the start.
 *
 * Known limitations: going back refolds from the first event (about 2 s for a million events), so callers
 * ask when the cursor rests, not on every frame of a scrub.
 */
export class FiguresAtCursor {
  private state: FoldState = createFoldState();
  private next = 0;
  private foldedTo = Number.NEGATIVE_INFINITY;

  constructor(private readonly events: readonly CutoverEvent[]) {}

  /** Events folded so far (for tests: forward steps fold only what is new). */
  get folded(): number {
    return this.next;
  }

  at(cursor: number, rolloutId: string): CursorFigures {
    const last = this.events[this.events.length - 1];
    if (!last || cursor >= last.at) return { kind: 'final' };
    if (cursor < this.foldedTo) {
      this.state = createFoldState();
      this.next = 0;
    }
    while (this.next < this.events.length) {
      const event = this.events[this.next];
      if (!event || event.at > cursor) break;
      reduce(this.state, event);
      this.next++;
    }
    this.foldedTo = cursor;
    const located = locateRollout(this.state, rolloutId, { now: cursor });
    if (!located) return { kind: 'not-started' };
    const measured = selectRollout(this.state, { ...located, now: cursor }).measurements;
    return measured ? { kind: 'at-cursor', report: rolloutReport(measured) } : { kind: 'not-started' };
  }
}
