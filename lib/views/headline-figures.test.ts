import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { formatMs, headlineFigures } from './headline-figures';
import { selectRollout } from './rollout-selection';
import { smallRollout } from './rollout-fixture.test-support';

describe('formatMs', () => {
  it.each([
    [0, '0 ms'],
    [20.4, '20 ms'],
    [1234, '1.23 s'],
    [12_345, '12.3 s'],
    [125_000, '2 min 5 s'],
  ])('%d ms reads %s', (ms, text) => expect(formatMs(ms)).toBe(text));
});

describe('headlineFigures', () => {
  const state = foldEvents(smallRollout().build());
  const m = selectRollout(state).measurements;
  if (!m) throw new Error('no rollout');
  const figures = headlineFigures(m);
  const byId = new Map(figures.map((f) => [f.id, f]));

  it('lists the figures in reading order, singleton last', () => {
    expect(figures.map((f) => f.id)).toEqual(['control-overlap', 'data-overlap', 'worst-add-lag', 'worst-removal-lag', 'dropped', 'stale', 'singleton']);
  });

  it('carries the raw values the report has', () => {
    expect(byId.get('control-overlap')?.value).toBe(m.controlPlaneOverlap.total.value);
    expect(byId.get('dropped')?.value).toBe(m.dropped.total.value);
    expect(byId.get('stale')?.value).toBe(m.stale.afterDeletion.value);
    expect(byId.get('control-overlap')?.text).toBe('200 ms');
  });

  it('names the node of the worst lag and shows the bound', () => {
    const removal = byId.get('worst-removal-lag');
    expect(removal?.where).toMatch(/^node-a · old-1$/);
    expect(removal?.boundText).toMatch(/–/);
    expect(byId.get('dropped')).toMatchObject({ text: '5', tone: 'bad', where: 'most on node-a' });
  });
});
