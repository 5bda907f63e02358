import type { CutoverEvent } from '../../lib/events/event-schema';
import { createFoldState } from '../../lib/fold/fold-state';
import type { FoldOptions } from '../../lib/fold/fold-types';
import { reduce } from '../../lib/fold/reduce';
import { type RolloutMeasurements, measureAll } from '../../lib/measure/measure-rollout';
import { selectRollouts } from '../../lib/measure/select-rollouts';

/** The part of the event hub this watcher needs: the log so far and the events to come. */
export interface EventFeed {
  since(afterSeq?: number): CutoverEvent[];
  subscribe(listener: (event: CutoverEvent) => void): () => void;
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
  fold?: Partial<FoldOptions>;
}

export interface RolloutEndWatch {
  /** The first rollout of the session that ended (complete, superseded, rolled back or failed), measured. */
  ended: Promise<RolloutMeasurements>;
  /** Stops watching; `ended` then never settles. */
  cancel(): void;
}

/**
 * Folds the hub's events as they are published (with lib's own reducer, exactly as `report` does) and
 * resolves when a rollout that started during the session has an outcome. Used by `cutover record` and
 * by anything else that runs a session until its rollout is over.
 */
export function watchRolloutEnd(feed: EventFeed, options: RolloutEndOptions): RolloutEndWatch {
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  const state = createFoldState(options.fold);
  let done = false;
  let resolveEnded: (m: RolloutMeasurements) => void = () => undefined;
  const ended = new Promise<RolloutMeasurements>((resolve) => {
    resolveEnded = resolve;
  });

  const counts = (startAt: number, beforeRecording: boolean) => !beforeRecording && startAt >= options.since;
  const check = () => {
    if (done) return;
    const t = now();
    const over = selectRollouts(state, { now: t }).find((r) => r.outcome !== 'in-progress' && counts(r.startAt, r.record.startedBeforeRecording));
    if (!over) return;
    const measured = measureAll(state, { now: t }).find((m) => m.rollout.id === over.id);
    if (!measured) return;
    stop();
    resolveEnded(measured);
  };

  for (const event of feed.since(0)) reduce(state, event);
  // Events are only folded here; the (costlier) rollout selection runs on the timer.
  const unsubscribe = feed.subscribe((event) => {
    reduce(state, event);
  });
  const timer = timers.setInterval(check, options.pollMs ?? 250);
  function stop() {
    done = true;
    unsubscribe();
    timers.clearInterval(timer);
  }
  check();
  return { ended, cancel: stop };
}
