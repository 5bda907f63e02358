import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { buildReport } from '../report/report-model';
import { NEW_POD, OLD_POD, oneReplicaRollingUpdate } from '../testing/one-replica-rolling-update';
import { locateRollout, selectRollout } from './rollout-selection';

const t0 = 1_800_000_000_000;

describe('selectRollout on a capture that has stopped', () => {
  // Control plane complete at 13.2 s; probes end 0.8 s later, with no old-revision traffic after it: live,
  // the rollout is still settling; a finished recording is judged at its end, as `cutover report` judges it.
  const s = oneReplicaRollingUpdate(t0);
  s.probes(13_000, 'node-a', [['served', OLD_POD, 0, 12_990, 260]]);
  s.probes(14_000, 'node-a', [['served', OLD_POD, 13_000, 13_150, 4], ['served', NEW_POD, 13_200, 13_990, 16]]);
  const state = foldEvents(s.build());

  it('judges a finished recording at its end, the same as the report of the file', () => {
    const replay = selectRollout(state, { captureEnded: true }).measurements?.rollout;
    expect(replay?.outcome).toBe('complete');
    expect(replay?.outcome).toBe(buildReport(state, undefined, { captureEnded: true }).rollouts[0]?.outcome);
  });

  it('leaves a live session in progress until it settles', () => {
    expect(selectRollout(state).measurements?.rollout.outcome).toBe('in-progress');
  });
});

describe('locateRollout', () => {
  const s = oneReplicaRollingUpdate(t0);
  const state = foldEvents(s.build());

  it('finds a rollout by the id the report gives it, and nothing for an id not in the capture', () => {
    const id = buildReport(state).rollouts[0]?.id ?? '';
    expect(locateRollout(state, id)).toEqual({ namespace: 'demo', deployment: 'demo/web', rollout: 0 });
    expect(selectRollout(state, locateRollout(state, id)).measurements?.rollout.id).toBe(id);
    expect(locateRollout(state, 'demo/web#7')).toBeUndefined();
  });
});
