import { describe, expect, it } from 'vitest';
import { changedKnobs, draftOf, knobsOfDraft } from './knob-values';

describe('knob drafts on the /lab page', () => {
  it('round-trips knobs through the text inputs', () => {
    const knobs = { nodeLagMs: 3000, preStopSeconds: 0, shutdown: 'immediate' as const, readinessProbe: false, replicas: 3 };
    expect(draftOf(knobs)).toEqual({ nodeLagMs: '3000', preStopSeconds: '0', shutdown: 'immediate', readinessProbe: false, replicas: '3' });
    expect(knobsOfDraft(draftOf(knobs))).toEqual({ knobs });
  });

  it('names each bad field with the same messages as the server', () => {
    const result = knobsOfDraft({ replicas: '99', preStopSeconds: '', probeIntervalMs: '2.5' });
    expect(result).toHaveProperty('error');
    const error = 'error' in result ? result.error : '';
    expect(error).toContain('replicas: must be at most 20');
    expect(error).toContain('preStopSeconds:');
    expect(error).toContain('probeIntervalMs: must be a whole number');
  });

  it('describes what a run changed from its scenario', () => {
    expect(changedKnobs({ preStopSeconds: 0, shutdown: 'immediate', readinessProbe: false, replicas: 3 }, { preStopSeconds: 5, shutdown: 'drain', readinessProbe: true, replicas: 3 })).toEqual([
      'preStop sleep 5 s',
      'At SIGTERM drain',
      'Readiness probe on',
    ]);
  });
});
