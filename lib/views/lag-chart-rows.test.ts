import { describe, expect, it } from 'vitest';
import type { LagFigure, NodeFigures, RolloutReport } from '../report/report-model';
import { formatEvidence } from '../report/report-text';
import { formatAxisMs, lagAxis, lagChartMax, lagChartRows, lagChartShown, lagRowTitle, type LagChartRow } from './lag-chart-rows';

const row = (node: string, removal: number | null, add: number | null, above = 0): LagChartRow => ({
  node,
  removal,
  removalError: [0, removal === null ? 0 : above],
  add,
  addError: [0, add === null ? 0 : above],
  removalLag: null,
  addLag: null,
  dropped: 0,
  conntrackTail: 0,
  droppedText: '0',
  conntrackTailText: '0',
});

describe('lag chart axis', () => {
  it('ends at the first round tick past the data, not at the next power of the scale', () => {
    expect(lagAxis(4100)).toEqual({ max: 4500, step: 500, ticks: [0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500] });
    expect(lagAxis(5640).max).toBe(6000);
    expect(lagAxis(5640).step).toBe(1000);
    expect(lagAxis(4000).max).toBe(4000);
  });
  it('keeps small lags in ms and has at most the asked number of intervals', () => {
    const axis = lagAxis(37);
    expect(axis.max).toBe(40);
    expect(axis.ticks.length - 1).toBeLessThanOrEqual(10);
    expect(lagAxis(0).max).toBe(1000);
    for (const v of [1, 9, 99, 101, 999, 1001, 12_345, 61_000, 3_600_000]) {
      const a = lagAxis(v);
      expect(a.max).toBeGreaterThanOrEqual(v);
      expect(a.max - a.step).toBeLessThan(v);
      expect(a.ticks.length - 1).toBeLessThanOrEqual(10);
    }
  });
  it('covers every upper bound and the reference lines', () => {
    expect(lagChartMax([row('a', 1000, 2000, 300), row('b', null, 3000, 1100)], 5000)).toBe(5000);
    expect(lagChartMax([row('a', 1000, 2000, 300), row('b', null, 3000, 1100)], 0)).toBe(4100);
  });
  it('labels ticks with the decimals the step needs', () => {
    expect(formatAxisMs(1500, 500, 4500)).toBe('1.5 s');
    expect(formatAxisMs(2000, 1000, 6000)).toBe('2 s');
    expect(formatAxisMs(20, 10, 40)).toBe('20 ms');
  });
});

describe('lag chart rows shown', () => {
  it('keeps all rows that fit, and otherwise the largest lags in node order', () => {
    const rows = [row('n1', 100, 50), row('n2', 4000, null), row('n3', null, null), row('n4', 10, 3000, 10), row('n5', 200, 200)];
    expect(lagChartShown(rows, 5)).toEqual(rows);
    expect(lagChartShown(rows, 2).map((r) => r.node)).toEqual(['n2', 'n4']);
  });
});

describe('a lag whose bound has no upper end', () => {
  it('sizes the axis by its value and never searches for a step forever', () => {
    const rows: LagChartRow[] = [{ ...row('node-c', 1_900, null), removalError: [1_920, Infinity], dropped: 18 }];
    expect(lagChartMax(rows, 0, 0)).toBe(1_900);
    expect(lagAxis(Infinity)).toMatchObject({ max: 1000 });
    expect(lagAxis(lagChartMax(rows, 5_000, 0)).max).toBe(5_000);
  });
});

describe('each node\'s lags in words', () => {
  const lag = (node: string, lagMs: LagFigure['lagMs'], evidence: LagFigure['evidence'], confidence?: number): LagFigure => ({
    pod: `web-${node}`,
    node,
    endpointAtMs: 0,
    evidence,
    ...(confidence !== undefined ? { confidence } : {}),
    lagMs,
    spansGap: false,
  });
  const node = (name: string, removal: LagFigure | null, add: LagFigure | null, dropped: number, tail: number): NodeFigures => ({
    node: name,
    dataPlaneOverlapMs: null,
    worstAddLag: add,
    worstRemovalLag: removal,
    dropped: { value: dropped, lo: dropped, hi: dropped },
    conntrackTail: { value: tail, lo: tail, hi: tail },
  });
  const report = {
    nodes: [
      node('node-a', lag('node-a', { value: 2410, lo: 2380, hi: 2460 }, 'node-rules'), lag('node-a', { value: 30, lo: 10, hi: 60 }, 'node-rules'), 52, 12),
      node('node-b', lag('node-b', { value: 1900, lo: -20, hi: Infinity }, 'responses', 0.99), null, 18, 0),
      node('node-c', null, lag('node-c', { value: 400, lo: 350, hi: 700 }, 'attributed-failures', 0.99), 0, 0),
    ],
  } as Pick<RolloutReport, 'nodes'> as RolloutReport;
  const rows = lagChartRows(report);

  it('says what each lag stands on, with the report\'s own formatter', () => {
    expect(rows.map((r) => [r.node, r.removalLag?.evidence ?? null, r.addLag?.evidence ?? null])).toEqual([
      ['node-a', "from the node's rules", "from the node's rules"],
      ['node-b', 'from responses alone, 99 %', null],
      ['node-c', null, 'from responses and attributed failures, 99 %'],
    ]);
    for (const [r, n] of rows.map((r, i) => [r, report.nodes[i]] as const)) {
      expect(r.removalLag?.evidence ?? null).toBe(n?.worstRemovalLag ? formatEvidence(n.worstRemovalLag) : null);
    }
  });

  it('reads an unknown upper end as "?", never a number, and marks it open', () => {
    expect(rows[1]?.removalLag).toEqual({ text: '1.90 s (-0.02–?)', pod: 'web-node-b', evidence: 'from responses alone, 99 %', open: true });
    expect(rows[0]?.removalLag).toMatchObject({ text: '2.41 s (2.38–2.46 s)', open: false });
    expect(rows[1]?.removalError[1]).toBe(Infinity);
  });

  it('keeps the conntrack tail apart from the removal lag, beside the drops', () => {
    expect(rows.map((r) => [r.dropped, r.conntrackTail])).toEqual([
      [52, 12],
      [18, 0],
      [0, 0],
    ]);
    expect(lagRowTitle(rows[0] as LagChartRow)).toBe(
      "node-a: removal 2.41 s (2.38–2.46 s) (web-node-a; from the node's rules); add 0.03 s (0.01–0.06 s) (web-node-a; from the node's rules); 52 dropped, 12 of them conntrack tail (after the node's rules were correct)",
    );
    expect(lagRowTitle(rows[1] as LagChartRow)).toBe('node-b: removal 1.90 s (-0.02–?) (web-node-b; from responses alone, 99 %); add —; 18 dropped');
  });
});
