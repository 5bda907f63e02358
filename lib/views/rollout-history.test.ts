import { describe, expect, it } from 'vitest';
import { foldEvents } from '../fold/reduce';
import type { HistoryRow } from '../http-contract';
import { evaluateFailConditions, parseFailCondition } from '../report/fail-on';
import { buildReport } from '../report/report-model';
import { filterHistory, hasProblem, historyFacets, historyLink, historyRows, NO_HISTORY_FILTER, sortHistory, uploadConfirmation } from './rollout-history';
import { smallRollout, T0 } from './rollout-fixture.test-support';

const source = { recordingId: 'lab-broken-1', recordingName: 'lab-broken-1.jsonl', live: false };

describe('historyRows', () => {
  const report = buildReport(foldEvents(smallRollout().build()), undefined, { captureEnded: true });
  const [row] = historyRows(source, report);
  const [rollout] = report.rollouts;

  it('takes every figure from the report, as the CLI and --fail-on read it', () => {
    if (!row || !rollout) throw new Error('no rollout in the fixture');
    expect(row).toMatchObject({ ...source, rolloutId: 'demo/web#0', namespace: 'demo', deployment: 'web', fromRevision: 1, toRevision: 2, outcome: rollout.outcome, startedAtMs: T0 + 1000 });
    expect(row.dropped).toBe(rollout.measurements.droppedRequests.total.value);
    expect(row.dropped).toBe(5);
    expect(row.overlap).toEqual({ plane: 'data', ms: rollout.measurements.dataPlaneOverlapMs?.value });
    // The same worst lag `--fail-on lag` tests.
    const lagHit = evaluateFailConditions([rollout], [parseFailCondition('lag>=0ms')])[0];
    expect(row.worstLag?.ms).toBe(lagHit?.value);
    expect(row.failedChecks).toEqual(rollout.mitigation.filter((c) => c.status === 'fail').map((c) => c.id));
  });
});

const row = (over: Partial<HistoryRow>): HistoryRow => ({
  ...source,
  rolloutId: 'demo/web#0',
  namespace: 'demo',
  deployment: 'web',
  fromRevision: 1,
  toRevision: 2,
  rollback: false,
  outcome: 'complete',
  startedAtMs: T0,
  durationMs: 10_000,
  dropped: 0,
  stale: 0,
  overlap: { plane: 'data', ms: 0 },
  worstLag: null,
  failedChecks: [],
  advice: 0,
  ...over,
});

describe('history filters', () => {
  const rows = [
    row({ rolloutId: 'demo/web#0', startedAtMs: T0 }),
    row({ rolloutId: 'demo/web#1', startedAtMs: T0 + 2, dropped: 3 }),
    row({ rolloutId: 'shop/cart#0', namespace: 'shop', deployment: 'cart', startedAtMs: T0 + 1, outcome: 'failed' }),
    row({ rolloutId: 'demo/web#2', startedAtMs: T0 + 3, failedChecks: ['readiness-probe-present'] }),
  ];

  it.each([
    [NO_HISTORY_FILTER, ['demo/web#0', 'demo/web#1', 'shop/cart#0', 'demo/web#2']],
    [{ ...NO_HISTORY_FILTER, deployment: 'shop/cart' }, ['shop/cart#0']],
    [{ ...NO_HISTORY_FILTER, outcome: 'complete' }, ['demo/web#0', 'demo/web#1', 'demo/web#2']],
    [{ ...NO_HISTORY_FILTER, problemsOnly: true }, ['demo/web#1', 'shop/cart#0', 'demo/web#2']],
    [{ deployment: 'demo/web', outcome: 'complete', problemsOnly: true }, ['demo/web#1', 'demo/web#2']],
  ])('%o keeps %o', (filter, ids) => {
    expect(filterHistory(rows, filter).map((r) => r.rolloutId)).toEqual(ids);
  });

  it('sorts newest first and counts each facet', () => {
    expect(sortHistory(rows).map((r) => r.rolloutId)).toEqual(['demo/web#2', 'demo/web#1', 'shop/cart#0', 'demo/web#0']);
    expect(historyFacets(rows)).toEqual({ deployments: [['demo/web', 3], ['shop/cart', 1]], outcomes: [['complete', 3], ['failed', 1]] });
  });

  it('calls a rollback a problem, and a clean complete one not', () => {
    expect(hasProblem(row({ outcome: 'rolled-back' }))).toBe(true);
    expect(hasProblem(row({}))).toBe(false);
  });

  it('links a row to its rollout in its recording', () => {
    expect(historyLink(row({ recordingId: 'a b', rolloutId: 'demo/web#1' }))).toBe('/recordings/a%20b?rollout=demo%2Fweb%231');
  });
});

describe('uploadConfirmation', () => {
  it('names the file and each rollout it added, or says it holds none', () => {
    const summary = { id: 'lab-broken-1', name: 'lab-broken-1.jsonl', cluster: 'lab:broken', namespace: 'demo' };
    expect(uploadConfirmation(summary, [row({ dropped: 12 }), row({ recordingId: 'other' })])).toBe('Added lab-broken-1.jsonl (lab:broken / demo) with 1 rollout: demo/web 1 → 2 complete, 12 dropped.');
    expect(uploadConfirmation(summary, [])).toBe('Added lab-broken-1.jsonl (lab:broken / demo): it holds no rollout.');
  });
});
