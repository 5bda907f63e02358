'use client';

import type { LabRun, LabScenario } from '../../lib/http-contract';
import type { Span } from '../../lib/measure/intervals';
import { rolloutTitle } from '../../lib/report/report-text';
import { headlineFigures } from '../../lib/views/headline-figures';
import { AdviceList } from '../figures/advice-list';
import { HeadlineFigures } from '../figures/headline-figures';
import { type SharedZoom, Timeline } from '../timeline/timeline';
import { changedKnobs } from './knob-values';
import styles from './lab.module.css';
import { runLabel } from './run-list';
import type { RunRollout } from './use-run-rollout';

/** One side of the compare view: the run's knobs, the lab's own count, the headline figures, advice and checks, and the timeline. */
export function RunPanel({ side, run, scenario, rollout, domain, zoom }: { side: 'left' | 'right'; run: LabRun; scenario: LabScenario | undefined; rollout: RunRollout; domain: Span | undefined; zoom: SharedZoom }) {
  const changes = changedKnobs(scenario?.knobs ?? {}, run.knobs);
  const { data } = rollout;
  return (
    <article className={styles.side} data-testid={`compare-${side}`} data-run={run.id} data-scenario={run.scenario}>
      <header className={styles.sideHeader}>
        <h3>{runLabel(run)}</h3>
        {data?.report ? <span className="muted">{rolloutTitle(data.report)}</span> : null}
      </header>
      <p className={styles.changes}>{changes.length > 0 ? `Changed: ${changes.join(', ')}` : `${scenario?.title ?? run.scenario}, as the scenario is`}</p>
      {run.truth ? (
        <p className={styles.truth} data-testid="truth" data-dropped={run.truth.dropped} data-requests={run.truth.requests}>
          The lab counted {run.truth.requests} requests through its proxies from the rollout&apos;s start: <strong>{run.truth.dropped} dropped</strong>
          {run.truth.dropped > 0 ? ` (${run.truth.refused} refused, ${run.truth.timeout} timed out, ${run.truth.reset} reset)` : ''}.
        </p>
      ) : null}
      {rollout.error ? <p className="error">{rollout.error}</p> : null}
      {!rollout.error && !rollout.recording ? <p className="muted">Loading the recording…</p> : null}
      {rollout.recording && !data?.report ? <p className="empty-state">The recording holds no rollout.</p> : null}
      {data?.report && data.model ? (
        <>
          <HeadlineFigures figures={headlineFigures(data.report)} />
          <AdviceList advice={data.report.advice} checks={data.report.mitigation} />
          <Timeline model={data.model} zoom={zoom} {...(domain ? { domain } : {})} />
        </>
      ) : null}
    </article>
  );
}
