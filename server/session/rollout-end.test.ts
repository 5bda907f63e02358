import { describe, expect, it } from 'vitest';
import type { CutoverEvent } from '../../lib/events/event-schema';
import { ScenarioBuilder } from '../../lib/testing/scenario-builder';
import { createFoldState } from '../../lib/fold/fold-state';
import { reduce } from '../../lib/fold/reduce';
import { type IntervalTimers, watchRolloutEnd } from './rollout-end';

const OLD = 'aaaa111';
const NEW = 'bbbb222';
const t0 = 1_800_000_000_000;
const o = { name: `web-${OLD}-o`, rs: OLD, hash: OLD, node: 'node-a', started: true, ready: true };
const n = { name: `web-${NEW}-n`, rs: NEW, hash: NEW, node: 'node-b' };

/** A 1-replica RollingUpdate from v1 to v2 starting at t0 + 10 s; the old pod last answers at t0 + 13.4 s. */
function rollingUpdate(): CutoverEvent[] {
  const s = new ScenarioBuilder(t0);
  const v1 = { revision: 1, template: 'v1', replicas: 1, maxSurge: 1, maxUnavailable: 0 };
  s.deployment(0, v1, 'added').replicaSet(0, OLD, 1, 1, 1, 'added').pod(0, o, 'added').slice(0, [{ pod: o.name, node: 'node-a', ready: true }], 'added');
  s.deployment(10_000, { ...v1, template: 'v2' }).replicaSet(10_050, NEW, 2, 1, 0, 'added').deployment(10_060, { ...v1, template: 'v2', revision: 2 });
  s.pod(10_100, { ...n, node: undefined }, 'added').pod(10_200, n).pod(11_000, { ...n, started: true }).pod(13_000, { ...n, started: true, ready: true });
  s.slice(13_050, [{ pod: o.name, node: 'node-a', ready: true }, { pod: n.name, node: 'node-b', ready: true }]);
  s.replicaSet(13_060, NEW, 2, 1, 1).pod(13_100, { ...o, deleting: true }).replicaSet(13_110, OLD, 1, 0, 0);
  s.slice(13_120, [{ pod: n.name, node: 'node-b', ready: true }]).pod(13_200, { ...o, deleting: true, ready: false }, 'deleted');
  s.probes(13_000, 'node-a', [['served', o.name, 0, 12_990, 260]]);
  s.probes(14_000, 'node-a', [['served', o.name, 13_000, 13_400, 8], ['served', n.name, 13_090, 13_990, 12]]);
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
