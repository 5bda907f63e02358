import { formatMs } from '../../lib/views/headline-figures';
import { COVERED_COLOUR, DROPPED_COLOUR, RULES_CORRECT_COLOUR, STALE_COLOUR, revisionColour, type RevisionInfo } from '../../lib/views/revision-palette';
import type { OverlapBands } from '../../lib/views/timeline-model';

/** What the colours and shapes mean, and the overlap band's duration for both planes. */
export function TimelineLegend({ revisions, bands, conntrackTail = false }: { revisions: readonly RevisionInfo[]; bands: OverlapBands; conntrackTail?: boolean }) {
  return (
    <div className="legend" data-testid="timeline-legend">
      {revisions.map((r) => (
        <span key={r.hash} className="legend-item">
          <span className="swatch" style={{ background: revisionColour(r.colour) }} />
          <span className="mono">{r.label}</span>
        </span>
      ))}
      <span className="legend-item" data-testid="overlap-band" data-control-ms={bands.controlMs} data-data-ms={bands.dataMs ?? ''}>
        <span className="swatch band-control" /> overlap, control plane {formatMs(bands.controlMs)}
      </span>
      <span className="legend-item">
        <span className="swatch band-data" /> overlap, data plane {bands.dataMs !== undefined ? formatMs(bands.dataMs) : '—'}
      </span>
      <span className="legend-item" data-testid="legend-covered" title="A node still sent requests to the pod after it left the ready endpoints, and its preStop sleep kept serving them: the mitigation working, not stale">
        <span className="swatch" style={{ border: `2px dashed ${COVERED_COLOUR}` }} /> served after leaving the endpoints, before SIGTERM (preStop covering)
      </span>
      <span className="legend-item" data-testid="legend-stale" title="Responses from a pod after it got SIGTERM (its preStop over): the headline's stale responses">
        <span className="swatch" style={{ background: STALE_COLOUR }} /> stale (served after SIGTERM)
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: DROPPED_COLOUR, outline: '1px solid #000' }} /> dropped
      </span>
      {conntrackTail ? (
        <span className="legend-item" data-testid="legend-rules-correct">
          <span className="swatch" style={{ width: 3, background: RULES_CORRECT_COLOUR }} /> node&apos;s rules correct: drops after it are conntrack tail
        </span>
      ) : null}
      <span className="legend-item muted">pod: ┆pending ░started ▒ready █in endpoints ▭terminating │deleted</span>
    </div>
  );
}
