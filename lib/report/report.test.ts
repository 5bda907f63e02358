import { describe, expect, it } from 'vitest';
import { realEvents } from '../fixtures/real-apiserver/real-events.test-support';
import { foldEvents } from '../fold/reduce';
import { FailConditionError, evaluateFailConditions, formatMeasured, parseFailCondition } from './fail-on';
import { formatReportMarkdown } from './report-markdown';
import { buildReport } from './report-model';
import { dataPlaneOverlapText, formatReportText } from './report-text';

const header = { format: 'cutover-recording' as const, version: 1, cluster: 'real-apiserver', namespace: 'demo', startedAt: 1_795_300_321_225, tool: 'test', timeSource: 'received' as const };

describe('report', () => {
  const report = buildReport(foldEvents(realEvents('rolling-update', 'watch-from-list-rv')), header);

  it('has the stable JSON shape: one rollout of demo/web from revision 1 to 2', () => {
    expect(report.reportVersion).toBe(1);
    expect(report.recording).toEqual({ cluster: 'real-apiserver', namespace: 'demo', startedAtMs: header.startedAt, timeSource: 'received' });
    expect(report.rollouts).toHaveLength(1);
    const [rollout] = report.rollouts;
    expect(rollout).toMatchObject({ deployment: { namespace: 'demo', name: 'web' }, revisions: { from: 1, to: 2 }, rollback: false });
    expect(rollout?.measurements.controlPlaneOverlapMs.value).toBeGreaterThan(0);
    // No probe agents in that capture: no data-plane figures, and nothing invented.
    expect(rollout?.measurements.dataPlaneOverlapMs).toBeNull();
    expect(rollout?.measurements.droppedRequests.total).toEqual({ value: 0, lo: 0, hi: 0 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('says "no probe data" only when no node probed, and what it saw otherwise', () => {
    const [rollout] = report.rollouts;
    if (!rollout) throw new Error('no rollout');
    expect(dataPlaneOverlapText(rollout)).toBe('no probe data');
    const probed = { ...rollout, nodes: [{ node: 'node-a', dataPlaneOverlapMs: null, worstAddLag: null, worstRemovalLag: null, dropped: { value: 0, lo: 0, hi: 0 }, conntrackTail: { value: 0, lo: 0, hi: 0 } }] };
    expect(dataPlaneOverlapText(probed)).toBe('none seen: no node served both revisions');
    expect(formatReportText({ ...report, rollouts: [probed] })).not.toContain('no probe data');
  });

  it('prints text and Markdown with the same figures', () => {
    const text = formatReportText(report);
    const markdown = formatReportMarkdown(report);
    expect(text).toMatch(/^demo\/web revision 1 → 2: /);
    expect(text).toMatch(/control-plane overlap\s+\d+\.\d\d s/);
    expect(markdown).toContain('| measurement | value |');
    const overlap = /control-plane overlap\s+(\S+ s)/.exec(text)?.[1];
    expect(markdown).toContain(`| control-plane overlap | ${overlap}`);
  });
});

describe('--fail-on conditions', () => {
  it.each([
    ['dropped>0', { metric: 'dropped', op: '>', threshold: 0 }],
    ['overlap>2s', { metric: 'overlap', op: '>', threshold: 2000 }],
    ['lag >= 500ms', { metric: 'lag', op: '>=', threshold: 500 }],
    ['lag>5', { metric: 'lag', op: '>', threshold: 5000 }],
    ['stale>0', { metric: 'stale', op: '>', threshold: 0 }],
  ])('parses %s', (text, expected) => {
    expect(parseFailCondition(text)).toMatchObject(expected);
  });

  it('refuses what it cannot read, saying why', () => {
    expect(() => parseFailCondition('drops>0')).toThrow(FailConditionError);
    expect(() => parseFailCondition('dropped>2s')).toThrow(/count and takes no unit/);
    expect(() => parseFailCondition('overlap')).toThrow(/expected e.g./);
  });

  it('reports which conditions hold on which rollout', () => {
    const report = buildReport(foldEvents(realEvents('rolling-update', 'watch-from-list-rv')));
    const hits = evaluateFailConditions(report.rollouts, [parseFailCondition('control-overlap>0'), parseFailCondition('dropped>0')]);
    expect(hits.map((h) => h.condition.text)).toEqual(['control-overlap>0']);
  });

  it('gives the measured value in the condition\'s unit', () => {
    expect(formatMeasured('overlap', 2300)).toBe('2.30 s');
    expect(formatMeasured('dropped', 12)).toBe('12');
    expect(formatMeasured('failed', 1)).toBe('failed or rolled back');
  });
});
