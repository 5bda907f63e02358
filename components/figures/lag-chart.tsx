'use client';

import { memo, useRef } from 'react';
import { formatMs } from '../../lib/views/headline-figures';
import { formatAxisMs, lagAxis, lagChartMax, lagChartShown, lagRowTitle, type LagCell, type LagChartRow } from '../../lib/views/lag-chart-rows';
import { OKABE_ITO } from '../../lib/views/revision-palette';
import { useElementWidth } from '../timeline/use-element-width';

/** More nodes than this and the chart keeps those with the largest lags (the report lists every node). */
const MAX_ROWS = 24;
const LABEL_W = 130;
const RIGHT = 36;
const TOP = 34;
const AXIS_H = 28;

const KINDS = [
  { key: 'removal', label: 'worst removal lag', colour: OKABE_ITO.blue },
  { key: 'add', label: 'worst add lag', colour: OKABE_ITO.orange },
] as const;

function LagCellText({ lag }: { lag: LagCell | null }) {
  if (!lag) return <>—</>;
  return (
    <>
      <span className="lag-value">{lag.text}</span>
      <span className="lag-evidence muted">
        {lag.pod} · {lag.evidence}
      </span>
    </>
  );
}

/**
 * The chart's rows in words: each worst lag with its pod and the evidence it stands on, and the node's drops
 * with, apart, those after its rules were already correct (conntrack tail: not rule lag, its own remedy).
 */
function LagTable({ rows }: { rows: readonly LagChartRow[] }) {
  const open = rows.some((r) => r.removalLag?.open === true || r.addLag?.open === true);
  const tail = rows.some((r) => r.conntrackTail > 0);
  return (
    <>
      <table className="table lag-table" data-testid="lag-table">
        <thead>
          <tr>
            <th>Node</th>
            <th>Worst removal lag</th>
            <th>Worst add lag</th>
            <th>Dropped</th>
            <th title="Failures after the node's rules were already correct: new connections that matched a leftover conntrack entry">of them conntrack tail</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.node} data-node={r.node} data-removal-evidence={r.removalLag?.evidence ?? ''} data-add-evidence={r.addLag?.evidence ?? ''}>
              <td className="mono">{r.node}</td>
              <td data-kind="removal">
                <LagCellText lag={r.removalLag} />
              </td>
              <td data-kind="add">
                <LagCellText lag={r.addLag} />
              </td>
              <td data-testid="node-dropped">{r.droppedText}</td>
              <td data-testid="node-conntrack-tail">{r.conntrackTailText}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open || tail ? (
        <p className="muted lag-table-note">
          {open ? '“?”: nothing showed the node had switched by the end, so the lag has no known upper end. ' : ''}
          {tail ? 'Conntrack tail: failures after the node’s rules were correct, through leftover conntrack entries; counted in the drops, not in the removal lag.' : ''}
        </p>
      ) : null}
    </>
  );
}

/** A reference line's label, beside the line, turned to its left where it would run off the chart. */
function ReferenceLabel({ x, y, width, text }: { x: number; y: number; width: number; text: string }) {
  const flip = x + 4 + text.length * 7 > width;
  return (
    <text x={flip ? x - 4 : x + 4} y={y} textAnchor={flip ? 'end' : 'start'} fontSize={12} fill="currentColor">
      {text}
    </text>
  );
}

/**
 * Worst add and removal lag per node, each bar with its error bar (the interval the truth lies in, around
 * the bar's end), against the Deployment's preStop sleep (what covers a removal lag) and minReadySeconds
 * (what covers an add lag). Plain SVG: a bar per node and kind costs two elements, whatever the node count.
 */
export const LagChart = memo(function LagChart({ rows, preStopMs, minReadyMs }: { rows: readonly LagChartRow[]; preStopMs: number; minReadyMs: number }) {
  const box = useRef<HTMLElement>(null);
  const width = useElementWidth(box);
  if (rows.length === 0) return null;
  const shown = lagChartShown(rows, MAX_ROWS);
  const axis = lagAxis(lagChartMax(shown, preStopMs, minReadyMs));
  const rowH = shown.length <= 6 ? 34 : Math.max(18, Math.min(34, Math.floor(440 / shown.length)));
  const height = TOP + shown.length * rowH + AXIS_H;
  const plotW = Math.max(100, width - LABEL_W - RIGHT);
  // Clamped to the axis: a bound's unknown end (±∞) runs to the chart's edge.
  const x = (ms: number) => LABEL_W + (Math.min(axis.max, Math.max(0, ms)) / axis.max) * plotW;
  const barH = Math.max(5, Math.floor((rowH - 6) / 2));
  const plotBottom = TOP + shown.length * rowH;
  const fontSize = rowH >= 22 ? 12 : 10;
  return (
    <section className="lag-chart" data-testid="lag-chart" ref={box}>
      <h2>Lag per node</h2>
      {shown.length < rows.length ? (
        <p className="muted" data-testid="lag-chart-note">
          The {shown.length} of {rows.length} nodes with the largest lags; the JSON and Markdown reports list every node.
        </p>
      ) : null}
      <svg width={width} height={height} role="img" aria-label="Worst add and removal lag per node" style={{ display: 'block', overflow: 'visible' }}>
        {axis.ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={TOP - 4} y2={plotBottom} stroke="currentColor" strokeOpacity={0.15} />
            <text x={x(t)} y={plotBottom + 18} textAnchor="middle" fontSize={12} fill="currentColor">
              {formatAxisMs(t, axis.step, axis.max)}
            </text>
          </g>
        ))}
        <line x1={LABEL_W} x2={LABEL_W + plotW} y1={plotBottom} y2={plotBottom} stroke="currentColor" />
        {shown.map((r, i) => {
          const y = TOP + i * rowH + 3;
          return (
            <g key={r.node} data-node={r.node}>
              <title>{lagRowTitle(r)}</title>
              <text x={LABEL_W - 8} y={y + barH} dy="0.35em" textAnchor="end" fontSize={fontSize} fontFamily="var(--mono)" fill="currentColor">
                {r.node}
              </text>
              {KINDS.map((k, j) => {
                const value = r[k.key];
                if (value === null) return null;
                const error = k.key === 'removal' ? r.removalError : r.addError;
                const by = y + j * barH;
                const cy = by + barH / 2;
                const lo = x(value - error[0]);
                const hi = x(value + error[1]);
                // An unknown end has no cap: an arrowhead at the chart's edge says it goes on.
                const open = !Number.isFinite(error[1]);
                const end = open ? `M${(hi - 5).toFixed(1)} ${cy - 3}L${hi.toFixed(1)} ${cy}L${(hi - 5).toFixed(1)} ${cy + 3}` : `M${hi.toFixed(1)} ${cy - 3}v6`;
                const start = Number.isFinite(error[0]) ? `M${lo.toFixed(1)} ${cy - 3}v6` : `M${(lo + 5).toFixed(1)} ${cy - 3}L${lo.toFixed(1)} ${cy}L${(lo + 5).toFixed(1)} ${cy + 3}`;
                return (
                  <g key={k.key} data-kind={k.key}>
                    <rect x={LABEL_W} y={by} width={Math.max(1, x(value) - LABEL_W)} height={barH - 1} fill={k.colour} />
                    {hi - lo >= 1 ? (
                      <path className="lag-error-bar" data-open={open} d={`M${lo.toFixed(1)} ${cy}H${hi.toFixed(1)}${start}${end}`} stroke="currentColor" strokeWidth={1.25} fill="none" />
                    ) : null}
                  </g>
                );
              })}
            </g>
          );
        })}
        <line x1={x(preStopMs)} x2={x(preStopMs)} y1={TOP - 20} y2={plotBottom} stroke={OKABE_ITO.bluishGreen} strokeWidth={2} strokeDasharray="6 3" />
        <ReferenceLabel x={x(preStopMs)} y={TOP - 22} width={width} text={`preStop ${formatMs(preStopMs)}`} />
        {minReadyMs > 0 ? (
          <>
            <line x1={x(minReadyMs)} x2={x(minReadyMs)} y1={TOP - 8} y2={plotBottom} stroke={OKABE_ITO.reddishPurple} strokeWidth={2} strokeDasharray="2 3" />
            <ReferenceLabel x={x(minReadyMs)} y={TOP - 8} width={width} text={`minReadySeconds ${formatMs(minReadyMs)}`} />
          </>
        ) : null}
      </svg>
      <div className="legend">
        {KINDS.map((k) => (
          <span key={k.key} className="legend-item">
            <span className="swatch" style={{ background: k.colour }} />
            {k.label}
          </span>
        ))}
        <span className="legend-item muted">
          <svg width={22} height={10} aria-hidden="true">
            <path d="M2 5H20M2 1v8M20 1v8" stroke="currentColor" strokeWidth={1.25} fill="none" />
          </svg>
          the interval the true lag lies in (an arrow: no upper end known)
        </span>
      </div>
      <LagTable rows={shown} />
    </section>
  );
});
