'use client';

import { useMemo } from 'react';
import { preStopSleepSeconds } from '../../lib/kube/slim-container';
import type { Report, RolloutReport } from '../../lib/report/report-model';
import { exportHeader } from '../../lib/views/export-header';
import type { CursorFigures } from '../../lib/views/figures-at-cursor';
import { headlineFigures } from '../../lib/views/headline-figures';
import { lagChartRows } from '../../lib/views/lag-chart-rows';
import { outcomeLabel, rolloutHeading } from '../../lib/views/outcome-label';
import type { RolloutSelection } from '../../lib/views/rollout-selection';
import type { TimelineModel } from '../../lib/views/timeline-model';
import { AdviceList } from '../figures/advice-list';
import { FiguresCaption } from '../figures/figures-caption';
import { HeadlineFigures } from '../figures/headline-figures';
import { LagChart } from '../figures/lag-chart';
import { Timeline } from '../timeline/timeline';
import { ExportMenu } from './export-menu';

interface RolloutViewProps {
  selection: RolloutSelection;
  report: RolloutReport;
  model: TimelineModel;
  cursor?: number;
  onSeek?: (t: number) => void;
  exportName: string;
  /** Live, or from a recording (where a rollout unfinished at the file's end was cut short, not still running). */
  source?: 'live' | 'recording';
  /** The whole report the JSON and Markdown exports hold (a recording's: what `cutover report` prints). */
  fullReport?: () => Report;
  /** Replay: the figures as they stood at the cursor (the final ones once the cursor reaches the end). */
  figuresAt?: { figures: CursorFigures; cursor: number };
}

/** One rollout in full: title, figures, advice, the timeline and the lag chart. */
export function RolloutView({ selection, report, model, cursor, onSeek, exportName, source = 'live', fullReport, figuresAt }: RolloutViewProps) {
  const settings = selection.measurements?.rollout.record.settings ?? selection.deployment?.track.current;
  const preStopMs = settings ? preStopSleepSeconds(settings.containers) * 1000 : 0;
  const minReadyMs = (settings?.minReadySeconds ?? 0) * 1000;
  // The cursor re-renders this view on every scrub step: what does not depend on it is computed once.
  const lagRows = useMemo(() => lagChartRows(report), [report]);
  const finalFigures = useMemo(() => headlineFigures(report), [report]);
  const atCursor = figuresAt?.figures.kind === 'at-cursor' ? figuresAt.figures.report : undefined;
  const cursorFigures = useMemo(() => (atCursor ? headlineFigures(atCursor) : undefined), [atCursor]);
  const figures = cursorFigures ?? finalFigures;
  const label = selection.measurements ? outcomeLabel(selection.measurements.rollout, source) : { text: report.outcome, cutShort: false };
  return (
    <article className="rollout" data-testid="rollout" data-rollout={report.id} data-outcome={report.outcome} data-cut-short={label.cutShort}>
      <header className="rollout-header">
        <h2 title={label.note}>{rolloutHeading(report, label)}</h2>
        <ExportMenu report={report} name={exportName} header={exportHeader(report, rolloutHeading(report, label), finalFigures)} {...(fullReport ? { fullReport } : {})} />
      </header>
      {label.note ? (
        <p className="outcome-note muted" data-testid="outcome-note">
          {label.note}
        </p>
      ) : null}
      {figuresAt ? <FiguresCaption figures={figuresAt.figures} cursor={figuresAt.cursor} startedAtMs={report.startedAtMs} {...(onSeek ? { onSeek } : {})} /> : null}
      {figuresAt?.figures.kind === 'not-started' ? null : <HeadlineFigures figures={figures} />}
      <AdviceList advice={report.advice} checks={report.mitigation} />
      <Timeline model={model} {...(cursor !== undefined ? { cursor } : {})} {...(onSeek ? { onSeek } : {})} />
      <LagChart rows={lagRows} preStopMs={preStopMs} minReadyMs={minReadyMs} />
    </article>
  );
}
