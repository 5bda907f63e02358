import type { FoldState } from '../../lib/fold/fold-types';
import { type RolloutMeasurements, measureAll } from '../../lib/measure/measure-rollout';
import { selectRollouts } from '../../lib/measure/select-rollouts';

/** The session as folded by the server (its live measurements): read, never written, here. */
export interface SessionFold {
  readonly foldState: FoldState;
}

export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: IntervalTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface RolloutEndOptions {
  /** Only a rollout that started at or after this time (ms) counts: one the session saw from its start. */
  since: number;
  /** The live clock: a finished rollout only counts as complete once every node has settled for `settleMs`. */
  now?: () => number;
  timers?: IntervalTimers;
  /** How often to look again while nothing arrives (settling is a matter of time, not of events). Default 250 ms. */
  pollMs?: number;
}

export interface RolloutEndWatch {
  /** The first rollout of the session that ended (complete, superseded, rolled back or failed), measured. */
  ended: Promise<RolloutMeasurements>;
  /** Stops watching; `ended` then never settles. */
  cancel(): void;
}

/**
 * Resolves when a rollout that started during the session has an outcome, reading the fold the server
 * already keeps (lib's reducer, exactly as `report` folds). Used by `cutover record` and by anything else
 * that runs a session until its rollout is over.
 */
export function watchRolloutEnd(session: SessionFold, options: RolloutEndOptions): RolloutEndWatch {
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  let done = false;
  let resolveEnded: (m: RolloutMeasurements) => void = () => undefined;
  const ended = new Promise<RolloutMeasurements>((resolve) => {
    resolveEnded = resolve;
  });

  const counts = (startAt: number, beforeRecording: boolean) => !beforeRecording && startAt >= options.since;
  const check = () => {
    if (done) return;
    const t = now();
    const state = session.foldState;
    const over = selectRollouts(state, { now: t }).find((r) => r.outcome !== 'in-progress' && counts(r.startAt, r.record.startedBeforeRecording));
    if (!over) return;
    const measured = measureAll(state, { now: t }).find((m) => m.rollout.id === over.id);
    if (!measured) return;
    stop();
    resolveEnded(measured);
  };

  // Settling is a matter of time, not of events: look again on a timer.
  const timer = timers.setInterval(check, options.pollMs ?? 250);
  function stop() {
    done = true;
    timers.clearInterval(timer);
  }
  check();
  return { ended, cancel: stop };
}
