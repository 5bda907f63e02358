import type { Bound } from '../measure/bound';
import type { LagFigure, Report, RolloutReport } from './report-model';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** A bounded duration as "1.23 s (1.20–1.27 s)", or just "1.23 s" when exact. */
/** A bound's end; an end nothing measured (∞, or null once sent as JSON) is unknown, not a number. */
function end(ms: number | null, unit: (ms: number) => string): string {
  return ms === null || !Number.isFinite(ms) ? '?' : unit(ms);
}

export function formatDuration(b: Bound): string {
  return b.lo === b.hi ? seconds(b.value) : `${seconds(b.value)} (${end(b.lo, (ms) => (ms / 1000).toFixed(2))}–${end(b.hi, seconds)})`;
}

const EVIDENCE_TEXT: Record<LagFigure['evidence'], string> = {
  'node-rules': "from the node's rules",
  'attributed-failures': 'from responses and attributed failures',
  responses: 'from responses alone',
};

/** What a lag stands on, as a reader needs it: the node's rules, or requests with their confidence. */
export function formatEvidence(lag: Pick<LagFigure, 'evidence' | 'confidence'>): string {
  return `${EVIDENCE_TEXT[lag.evidence]}${lag.confidence !== undefined ? `, ${Math.round(lag.confidence * 100)} %` : ''}`;
}

export function formatCount(b: Bound): string {
  return b.lo === b.hi ? String(b.value) : `${b.value} (${b.lo}–${b.hi})`;
}

export function formatLag(lag: LagFigure | null): string {
  return lag ? `${formatDuration(lag.lagMs)} on ${lag.node} (${lag.pod}; ${formatEvidence(lag)})` : '—';
}

/** A time as "2026-01-02 03:04:05.678 UTC"; one a Date cannot hold is printed as its number, never thrown on. */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return `${ms} ms since the epoch (not a date)`;
  return date.toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export function rolloutTitle(r: RolloutReport): string {
  const from = r.revisions.from === null ? '?' : String(r.revisions.from);
  return `${r.deployment.namespace}/${r.deployment.name} revision ${from} → ${r.revisions.to}${r.rollback ? ' (rollback)' : ''}: ${r.outcome}`;
}

/**
 * The data-plane overlap, or why there is none: "no probe data" only when no node sent a probe during the
 * rollout; with probes but no node that served both revisions, it says that.
 */
export function dataPlaneOverlapText(r: RolloutReport): string {
  const overlap = r.measurements.dataPlaneOverlapMs;
  if (overlap) return formatDuration(overlap);
  return r.nodes.length > 0 ? 'none seen: no node served both revisions' : 'no probe data';
}

/** The headline figures of a rollout as label/value rows, shared by the text and Markdown forms. */
export function headlineRows(r: RolloutReport): Array<[string, string]> {
  const m = r.measurements;
  const rows: Array<[string, string]> = [
    ['started', formatTime(r.startedAtMs)],
    ['duration', r.durationMs === null ? 'in progress' : seconds(r.durationMs)],
    ['control-plane overlap', formatDuration(m.controlPlaneOverlapMs)],
    ['data-plane overlap', dataPlaneOverlapText(r)],
    ['worst add lag', formatLag(m.worstAddLag)],
    ['worst removal lag', formatLag(m.worstRemovalLag)],
    ['dropped requests', formatCount(m.droppedRequests.total)],
    ['of them conntrack tail', formatCount(m.conntrackTail.total)],
    ['stale responses (after SIGTERM)', formatCount(m.staleResponses.afterSigterm)],
    ['responses after deletion (preStop included)', formatCount(m.staleResponses.afterDeletion)],
    ['responses after leaving the ready endpoints', formatCount(m.staleResponses.afterEndpointRemoval)],
    ['no ready endpoint', `${seconds(m.noReadyEndpoint.totalMs)}, ${formatCount(m.noReadyEndpoint.dropped)} dropped`],
  ];
  if (m.singletonViolation) {
    rows.push(['singleton violation (data plane)', formatDuration(m.singletonViolation.dataPlaneMs)]);
    rows.push(['singleton violation (control plane)', formatDuration(m.singletonViolation.controlPlaneMs)]);
  }
  rows.push(['probe interval / clock bound', `${r.probe.intervalMs} ms / ±${r.probe.clockUncertaintyMs.toFixed(1)} ms`]);
  if (r.spansGap) rows.push(['gaps', `${r.gaps.length} source gap(s) during the rollout: figures across them are bounds`]);
  return rows;
}

export function formatReportText(report: Report): string {
  if (report.rollouts.length === 0) return 'No rollout in this recording.\n';
  const out: string[] = [];
  for (const r of report.rollouts) {
    out.push(rolloutTitle(r));
    const rows = headlineRows(r);
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) out.push(`  ${label.padEnd(width)}  ${value}`);
    if (r.nodes.length > 0) {
      out.push('  per node:');
      for (const n of r.nodes) {
        out.push(`    ${n.node}: overlap ${n.dataPlaneOverlapMs ? formatDuration(n.dataPlaneOverlapMs) : '—'}, add lag ${n.worstAddLag ? formatDuration(n.worstAddLag.lagMs) : '—'}, removal lag ${n.worstRemovalLag ? formatDuration(n.worstRemovalLag.lagMs) : '—'}, dropped ${formatCount(n.dropped)}`);
      }
    }
    if (r.measurements.removedFirst.length > 0) {
      out.push('  taken out of the Service before deletion (each node\'s all-clear after the pod left):');
      for (const p of r.measurements.removedFirst) {
        const clears = p.nodes.map((n) => `${n.node} ${seconds(n.allClearAtMs - p.leftAtMs)}`).join(', ');
        out.push(`    ${p.pod}: ${clears || 'no node measured'}; waited ${seconds(p.waitedMs)}${p.neededMs !== null ? `, needed ${seconds(p.neededMs)} (${p.lastNode ?? '?'})` : ''}`);
      }
    }
    const failed = r.mitigation.filter((c) => c.status === 'fail');
    if (failed.length > 0) out.push(`  checks failed: ${failed.map((c) => c.id).join(', ')}`);
    for (const advice of r.advice) out.push(`  advice: ${advice.text}`);
    out.push('');
  }
  return `${out.join('\n')}\n`.replace(/\n\n\n$/, '\n\n');
}
