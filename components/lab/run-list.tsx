'use client';

import type { LabRun, LabRunState, LabScenario } from '../../lib/http-contract';
import { changedKnobs } from './knob-values';
import styles from './lab.module.css';

const STEPS: readonly LabRunState[] = ['starting', 'warming-up', 'rolling-out', 'stopping', 'done'];
const STEP_TEXT: Record<LabRunState, string> = {
  starting: 'starting the lab',
  'warming-up': 'waiting for the probes',
  'rolling-out': 'rolling out',
  stopping: 'stopping',
  done: 'done',
  failed: 'failed',
};

export function runLabel(run: LabRun): string {
  return `${run.scenario} · run ${run.id.split('-').pop() ?? run.id}`;
}

function Progress({ run }: { run: LabRun }) {
  if (run.state === 'failed') return <span className="error">failed: {run.error}</span>;
  const step = STEPS.indexOf(run.state);
  const seconds = ((run.endedAt ?? Date.now()) - run.createdAt) / 1000;
  return (
    <span className={styles.progress}>
      <progress max={STEPS.length - 1} value={step} aria-label={`run ${run.id} progress`} />
      <span>
        {STEP_TEXT[run.state]}
        {run.state === 'done' && run.outcome ? ` (${run.outcome})` : ''} · {seconds.toFixed(0)} s
      </span>
    </span>
  );
}

/** Every run the server remembers, newest first, with its progress and the lab's own count. */
export function RunList({ runs, scenarios }: { runs: readonly LabRun[]; scenarios: readonly LabScenario[] }) {
  if (runs.length === 0) return <p className="muted">No run yet: pick a scenario, set its knobs and press Run.</p>;
  return (
    <table className={styles.runTable} data-testid="run-list">
      <thead>
        <tr>
          <th>Run</th>
          <th>Changed from the scenario</th>
          <th>Progress</th>
          <th className={styles.num}>Requests (lab)</th>
          <th className={styles.num}>Dropped (lab)</th>
          <th>Recording</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const base = scenarios.find((s) => s.name === run.scenario)?.knobs ?? {};
          const changes = changedKnobs(base, run.knobs);
          return (
            <tr key={run.id} data-run={run.id} data-state={run.state}>
              <td>{runLabel(run)}</td>
              <td>{changes.length > 0 ? changes.join(', ') : <span className="muted">as the scenario</span>}</td>
              <td>
                <Progress run={run} />
              </td>
              <td className={styles.num}>{run.truth?.requests ?? '—'}</td>
              <td className={styles.num} data-testid="run-truth-dropped">
                {run.truth?.dropped ?? '—'}
              </td>
              <td>{run.recordingId && run.state === 'done' ? <a href={`/recordings/${encodeURIComponent(run.recordingId)}`}>replay</a> : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
