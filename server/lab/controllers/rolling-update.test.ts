import { describe, expect, it } from 'vitest';
import { newRsReplicas, resolveFenceposts, resolveIntOrPercent, scaleDownOld, templateHash } from './rolling-update';

const rs = (name: string, replicas: number, available: number, createdAt: number) => ({ name, replicas, available, createdAt });

describe('rolling update arithmetic', () => {
  it.each([
    [undefined, undefined, 4, 1, 1],
    ['25%', '25%', 3, 1, 0],
    ['25%', '0%', 10, 3, 0],
    [0, '0%', 3, 0, 1], // both zero: unavailable becomes 1
    ['50%', '50%', 1, 1, 0],
    [2, 1, 3, 2, 1],
  ])('maxSurge %s maxUnavailable %s of %i -> %i / %i', (surge, unavailable, replicas, s, u) => {
    expect(resolveFenceposts(surge, unavailable, replicas)).toEqual({ surge: s, unavailable: u });
  });

  it('rounds percentages the right way', () => {
    expect(resolveIntOrPercent('10%', 3, true, 0)).toBe(1);
    expect(resolveIntOrPercent('10%', 3, false, 0)).toBe(0);
  });

  it('scales the new RS up within the surge', () => {
    const oldRs = rs('old', 3, 3, 1);
    const fresh = rs('new', 0, 0, 2);
    expect(newRsReplicas(3, 1, [oldRs, fresh], fresh)).toBe(1);
    expect(newRsReplicas(3, 1, [rs('old', 3, 3, 1), rs('new', 1, 0, 2)], rs('new', 1, 0, 2))).toBe(1);
    expect(newRsReplicas(3, 1, [rs('old', 2, 2, 1), rs('new', 1, 1, 2)], rs('new', 1, 1, 2))).toBe(2);
    expect(newRsReplicas(2, 0, [rs('new', 5, 5, 2)], rs('new', 5, 5, 2))).toBe(2);
  });

  it('keeps old pods until new ones are available with maxUnavailable 0 (fixture rollout)', () => {
    // 3 old available, 1 new not yet available: nothing may go.
    expect(scaleDownOld(3, 0, rs('new', 1, 0, 2), [rs('old', 3, 3, 1)]).get('old')).toBe(3);
    // the new pod became available: one old pod goes.
    expect(scaleDownOld(3, 0, rs('new', 1, 1, 2), [rs('old', 3, 3, 1)]).get('old')).toBe(2);
  });

  it('removes unavailable old pods first and the oldest RS first', () => {
    const result = scaleDownOld(4, 1, rs('new', 1, 0, 3), [rs('older', 2, 2, 1), rs('old', 2, 0, 2)]);
    expect(result.get('old')).toBe(1); // maxScaledDown = 5 total - 3 min available - 1 new unavailable
    expect(result.get('older')).toBe(2);
    const byAge = scaleDownOld(2, 2, rs('new', 2, 2, 3), [rs('a', 1, 1, 1), rs('b', 1, 1, 2)]);
    expect([byAge.get('a'), byAge.get('b')]).toEqual([0, 0]);
  });

  it('hashes templates stably regardless of key order', () => {
    const a = templateHash({ spec: { containers: [{ name: 'web', image: 'v1' }] }, metadata: { labels: { app: 'web' } } });
    const b = templateHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ image: 'v1', name: 'web' }] } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    expect(templateHash({ spec: { containers: [{ name: 'web', image: 'v2' }] } })).not.toBe(a);
  });
});
