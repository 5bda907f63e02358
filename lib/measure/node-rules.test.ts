import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { ScenarioBuilder } from '../testing/scenario-builder';
import { additionFromRules, removalFromRules, ruleSyncs } from './node-rules';

// Evidence of the first kind: the rules are known only at syncs whose endpoints were read. A sync whose
// rules were not read (a newer one came before the dump) may hold the change, so the next read sync is
// not exact, and the change may lie anywhere after the sample before the first sync since the last read.
const OLD = new Set(['10.1.0.7']);
const NEW = new Set(['10.1.0.9']);

function syncs(unreadBetween: boolean) {
  const s = new ScenarioBuilder();
  s.proxySync(1_000, 'node-a', { synced: 900, exact: false, endpoints: ['10.1.0.7:8080'], readAt: 950 });
  // The lab run that found it: the addition synced at 365 and the removal at 487; the agent's sample at
  // 488 saw a new sync (hidden one in the same sample: inexact, notBefore 297) whose rules it could not
  // read before the next sync at 505, which it read.
  if (unreadBetween) s.proxySync(1_488, 'node-a', { synced: 1_488, exact: false, notBefore: 1_297 });
  s.proxySync(1_505, 'node-a', { synced: 1_505, exact: true, notBefore: unreadBetween ? 1_487 : 1_297, endpoints: ['10.1.0.9:8080'], readAt: 1_629 });
  return ruleSyncs(foldEvents(s.build()), 'node-a');
}

describe('switch times from the node\'s rules', () => {
  it('a sync whose rules were not read widens the next read one back to the sample before it', () => {
    const list = syncs(true);
    const t0 = new ScenarioBuilder().t0;
    expect(additionFromRules(list, NEW, -Infinity, Infinity)).toEqual({ at: t0 + 1_505, earliest: t0 + 1_297, latest: t0 + 1_629 });
    const removal = removalFromRules(list, OLD, -Infinity, Infinity);
    expect(removal).toEqual({ kind: 'switch', switch: { at: t0 + 1_505, earliest: t0 + 1_297, latest: t0 + 1_629 } });
  });

  it('a read sync right after the previous read one, counted exactly and read before another, is exact', () => {
    const s = new ScenarioBuilder();
    s.proxySync(1_000, 'node-a', { synced: 900, exact: false, endpoints: ['10.1.0.7:8080'], readAt: 950 });
    s.proxySync(1_505, 'node-a', { synced: 1_505, exact: true, notBefore: 1_297, endpoints: ['10.1.0.9:8080'] });
    const t0 = s.t0;
    expect(additionFromRules(ruleSyncs(foldEvents(s.build()), 'node-a'), NEW, -Infinity, Infinity)).toEqual({ at: t0 + 1_505, earliest: t0 + 1_505, latest: t0 + 1_505 });
  });

  it('a dump read after its sync reaches back to the sample before it', () => {
    expect(additionFromRules(syncs(false), NEW, -Infinity, Infinity)?.earliest).toBe(new ScenarioBuilder().t0 + 1_297);
  });
});
