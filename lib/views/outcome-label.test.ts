import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { measureAll } from '../measure/measure-rollout';
import { selectRollouts } from '../measure/select-rollouts';
import { rolloutReport } from '../report/report-model';
import { rolloutTitle } from '../report/report-text';
import { NEW_POD, OLD_POD, oneReplicaRollingUpdate } from '../testing/one-replica-rolling-update';
import { outcomeLabel, rolloutHeading } from './outcome-label';

describe('outcomeLabel', () => {
  // A probed capture that ends 1.6 s after the old pod's last answer, short of the 10 s settle period. (A
  // capture with no probes at all has no data plane to settle: it is complete when its control plane is.)
  const s = oneReplicaRollingUpdate(1_800_000_000_000);
  s.probes(13_000, 'node-a', [['served', OLD_POD, 0, 12_990, 260]]);
  s.probes(15_000, 'node-a', [['served', OLD_POD, 13_000, 13_400, 8], ['served', NEW_POD, 13_090, 14_990, 38]]);
  const state = foldEvents(s.build());
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
