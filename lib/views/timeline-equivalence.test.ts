import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import { equivalenceStreams } from '../measure/equivalence-streams.test-support';
import { measureRollout } from '../measure/measure-rollout';
import { selectDeploymentRollouts } from '../measure/select-rollouts';
import { mergeSpans, mergeSpansBySorting } from './merge-spans';
import { nodeLanes } from './node-lanes';
import { podBars } from './pod-bars';
import { rolloutWindow } from './timeline-model';
import { referenceNodeLanes, referencePodBars } from './views-reference.test-support';

describe('mergeSpans (sorted starts and ends apart) equals merging sorted span objects', () => {
  const span = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 40 })).map(([from, len]) => ({ from, to: from + len }));
  it('for any spans and gap, with ties, nesting and touching ends', () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 40 }), fc.integer({ min: 0, max: 30 }), (spans, gap) => {
        expect(mergeSpans(spans, gap)).toEqual(mergeSpansBySorting(spans, gap));
      }),
    );
  });
  it('for fractional times and gaps', () => {
    const fractional = fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 5e3, noNaN: true })).map(([from, len]) => ({ from: 1.8e12 + from, to: 1.8e12 + from + len }));
    fc.assert(
      fc.property(fc.array(fractional, { maxLength: 30 }), fc.double({ min: 0, max: 1e4, noNaN: true }), (spans, gap) => {
        expect(mergeSpans(spans, gap)).toEqual(mergeSpansBySorting(spans, gap));
      }),
    );
  });
});

// Node lanes merge in-order runs as they come and pod bars merge runs as numbers: the same lanes and bars
// as pushing every run as a span object and merging by sorting.
describe.each(equivalenceStreams())('timeline lanes equal the straightforward ones: %s', (_name, events) => {
  const state = foldEvents(events);
  it('node lanes and pod bars, at the timeline resolution and at a few others', () => {
    for (const d of selectDeploymentRollouts(state)) {
      for (const r of d.rollouts) {
        const window = rolloutWindow(measureRollout(state, d, r), d);
        for (const gap of [0, 75, 300, (window.to - window.from) / 2000, 5000]) {
          expect(nodeLanes(d.runs, window, gap)).toEqual(referenceNodeLanes(d.runs, window, gap));
          expect(podBars(d.pods, d.runs, window, gap, r)).toEqual(referencePodBars(d.pods, d.runs, window, gap, r));
        }
      }
    }
  });
});
