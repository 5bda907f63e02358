import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { rolloutReport } from '../report/report-model';
import { headlineRows } from '../report/report-text';
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
    [119_600, '2 min 0 s'],
    [125_400, '2 min 5 s'],
  ])('%d ms reads %s', (ms, text) => expect(formatMs(ms)).toBe(text));
});

describe('headlineFigures', () => {
  const state = foldEvents(smallRollout().build());
  const m = selectRollout(state).measurements;
  if (!m) throw new Error('no rollout');
  const report = rolloutReport(m);
  const figures = headlineFigures(report);
  const byId = new Map(figures.map((f) => [f.id, f]));

  it('lists the figures in reading order, singleton last', () => {
    expect(figures.map((f) => f.id)).toEqual(['control-overlap', 'data-overlap', 'worst-add-lag', 'worst-removal-lag', 'dropped', 'stale', 'singleton']);
  });

  it('prints each figure exactly as `cutover report` does', () => {
    const rows = new Map(headlineRows(report));
    expect(byId.get('control-overlap')?.reportText).toBe(rows.get('control-plane overlap'));
    expect(byId.get('data-overlap')?.reportText).toBe(rows.get('data-plane overlap'));
    expect(byId.get('worst-add-lag')?.reportText).toBe(rows.get('worst add lag'));
    expect(byId.get('worst-removal-lag')?.reportText).toBe(rows.get('worst removal lag'));
    expect(byId.get('dropped')?.reportText).toBe(rows.get('dropped requests'));
    expect(byId.get('stale')?.reportText).toBe(rows.get('stale responses (after SIGTERM)'));
    expect(byId.get('control-overlap')).toMatchObject({ text: '0.20 s', value: 200 });
  });

  it('names the node of the worst lag and shows the bound', () => {
    const removal = byId.get('worst-removal-lag');
    // old-1 answered on node-a until 4.0 s, then its requests timed out until 4.4 s: the lag reaches them.
    expect(removal?.where).toMatch(/^node-\w · old-1 · from responses alone, 99 %$/);
    expect(removal?.value).toBeGreaterThan(1_000);
    expect(byId.get('dropped')).toMatchObject({ text: '5', tone: 'bad', where: 'most on node-a' });
  });
});
