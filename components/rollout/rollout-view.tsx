'use client';

import { preStopSleepSeconds } from '../../lib/kube/slim-container';
import type { RolloutReport } from '../../lib/report/report-model';
import { rolloutTitle } from '../../lib/report/report-text';
import { headlineFigures } from '../../lib/views/headline-figures';
import { lagChartRows } from '../../lib/views/lag-chart-rows';
import type { RolloutSelection } from '../../lib/views/rollout-selection';
import type { TimelineModel } from '../../lib/views/timeline-model';
import { AdviceList } from '../figures/advice-list';
import { HeadlineFigures } from '../figures/headline-figures';
import { LagChart } from '../figures/lag-chart';
import { Timeline } from '../timeline/timeline';
import { ExportMenu } from './export-menu';

/** One rollout in full: title, figures, advice, the timeline and the lag chart. */
export function RolloutView({ selection, report, model, cursor, onSeek, exportName }: { selection: RolloutSelection; report: RolloutReport; model: TimelineModel; cursor?: number; onSeek?: (t: number) => void; exportName: string }) {
  const settings = selection.measurements?.rollout.record.settings ?? selection.deployment?.track.current;
  const preStopMs = settings ? preStopSleepSeconds(settings.containers) * 1000 : 0;
  const minReadyMs = (settings?.minReadySeconds ?? 0) * 1000;
  return (
    <article className="rollout" data-testid="rollout" data-rollout={report.id} data-outcome={report.outcome}>
      <header className="rollout-header">
        <h2>{rolloutTitle(report)}</h2>
        <ExportMenu report={report} name={exportName} />
      </header>
      <HeadlineFigures figures={headlineFigures(report)} />
      <AdviceList advice={report.advice} checks={report.mitigation} />
      <Timeline model={model} {...(cursor !== undefined ? { cursor } : {})} {...(onSeek ? { onSeek } : {})} />
      <LagChart rows={lagChartRows(report)} preStopMs={preStopMs} minReadyMs={minReadyMs} />
    </article>
  );
}
