import { describe, expect, it } from 'vitest';
import { realEvents } from '../fixtures/real-apiserver/real-events.test-support';
import { foldEvents } from '../fold/reduce';
import { measureAll } from '../measure/measure-rollout';
import { selectRollouts } from '../measure/select-rollouts';
import { rolloutReport } from '../report/report-model';
import { rolloutTitle } from '../report/report-text';
import { outcomeLabel, rolloutHeading } from './outcome-label';

describe('outcomeLabel', () => {
  // The real kube-apiserver capture ends a few seconds after the new ReplicaSet became available.
  const state = foldEvents(realEvents('rolling-update', 'watch-from-list-rv'));
  const [view] = selectRollouts(state);
  const [measured] = measureAll(state);

  it('calls a rollout cut short by the end of a recording what it is, without changing its outcome', () => {
    if (!view || !measured) throw new Error('no rollout in the fixture');
    expect(view.outcome).toBe('in-progress');
    expect(view.record.controlCompleteAt).toBeDefined();
    const label = outcomeLabel(view, 'recording');
    expect(label).toMatchObject({ text: 'recording ended before settle', cutShort: true });
    expect(label.note).toContain('10 s settle period');
    expect(rolloutHeading(rolloutReport(measured), label)).toBe('demo/web revision 1 → 2: recording ended before settle');
    expect(rolloutReport(measured).outcome).toBe('in-progress');
  });

  it('says "in-progress" live, where more is still to come', () => {
    if (!view || !measured) throw new Error('no rollout in the fixture');
    const label = outcomeLabel(view, 'live');
    expect(label).toEqual({ text: 'in-progress', cutShort: false });
    expect(rolloutHeading(rolloutReport(measured), label)).toBe(rolloutTitle(rolloutReport(measured)));
  });

  it('tells a recording that ends mid-rollout from one that ends while settling', () => {
    if (!view) throw new Error('no rollout in the fixture');
    const { controlCompleteAt: _dropped, ...record } = view.record;
    expect(outcomeLabel({ outcome: 'in-progress', record }, 'recording').text).toBe('recording ended mid-rollout');
    expect(outcomeLabel({ outcome: 'complete', record: view.record }, 'recording')).toEqual({ text: 'complete', cutShort: false });
  });
});
