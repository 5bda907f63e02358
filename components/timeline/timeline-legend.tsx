import { formatMs } from '../../lib/views/headline-figures';
import { DROPPED_COLOUR, STALE_COLOUR, revisionColour, type RevisionInfo } from '../../lib/views/revision-palette';
import type { OverlapBands } from '../../lib/views/timeline-model';

/** What the colours and shapes mean, and the overlap band's duration for both planes. */
export function TimelineLegend({ revisions, bands }: { revisions: readonly RevisionInfo[]; bands: OverlapBands }) {
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
      <span className="legend-item">
        <span className="swatch" style={{ background: STALE_COLOUR }} /> stale (after deletion)
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: DROPPED_COLOUR, outline: '1px solid #000' }} /> dropped
      </span>
      <span className="legend-item muted">pod: ┆pending ░started ▒ready █in endpoints ▭terminating │deleted</span>
    </div>
  );
}
