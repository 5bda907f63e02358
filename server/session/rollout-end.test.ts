import { describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { NEW_POD, OLD_POD, oneReplicaRollingUpdate } from '../../lib/testing/one-replica-rolling-update';
import { createFoldState } from '../../lib/fold/fold-state';
import { reduce } from '../../lib/fold/reduce';
import { type IntervalTimers, watchRolloutEnd } from './rollout-end';

const t0 = 1_800_000_000_000;

/** A 1-replica RollingUpdate from v1 to v2 starting at t0 + 10 s; the old pod last answers at t0 + 13.4 s. */
function rollingUpdate(): CutoverEvent[] {
  const s = oneReplicaRollingUpdate(t0);
  s.probes(13_000, 'node-a', [['served', OLD_POD, 0, 12_990, 260]]);
  s.probes(14_000, 'node-a', [['served', OLD_POD, 13_000, 13_400, 8], ['served', NEW_POD, 13_090, 13_990, 12]]);
  return s.build();
}

function manualTimers() {
  const callbacks = new Set<() => void>();
  const timers: IntervalTimers = {
    setInterval: (callback) => {
      callbacks.add(callback);
      return callback;
    },
    clearInterval: (handle) => callbacks.delete(handle as () => void),
  };
  return { timers, tick: () => [...callbacks].forEach((c) => c()), active: () => callbacks.size };
}

describe('watchRolloutEnd', () => {
  it('resolves once a rollout of the session has completed and settled, measured by lib', async () => {
    const session = { foldState: createFoldState() };
    const events = rollingUpdate();
    let now = t0;
    const { timers, tick, active } = manualTimers();
    // Events folded before the watch started count too.
    const [first, ...rest] = events;
    if (first) reduce(session.foldState, first);
    const watch = watchRolloutEnd(session, { since: t0, now: () => now, timers });
    let result: string | undefined;
    void watch.ended.then((m) => {
      result = m.rollout.outcome;
    });
    for (const event of rest) reduce(session.foldState, event);
    now = t0 + 14_000;
    tick();
    await Promise.resolve();
    expect(result).toBeUndefined(); // ended at 13.4 s, not yet settled for 10 s
    now = t0 + 23_399;
    tick();
    await Promise.resolve();
    expect(result).toBeUndefined();
    now = t0 + 23_400;
    tick();
    const measured = await watch.ended;
    expect(measured.rollout).toMatchObject({ outcome: 'complete', startAt: t0 + 10_000, endAt: t0 + 13_400 });
    expect(measured.dropped.total.value).toBe(0);
    expect(active()).toBe(0); // stopped its timer
  });

  it('ignores a rollout that started before the session', async () => {
    const session = { foldState: createFoldState() };
    for (const event of rollingUpdate()) reduce(session.foldState, event);
    const { timers, tick, active } = manualTimers();
    const watch = watchRolloutEnd(session, { since: t0 + 10_001, now: () => t0 + 60_000, timers });
    let settled = false;
    void watch.ended.then(() => {
      settled = true;
    });
    tick();
    await Promise.resolve();
    expect(settled).toBe(false);
    watch.cancel();
    expect(active()).toBe(0);
  });
});
