'use client';

import { useState } from 'react';
import { KnobForm } from './knob-form';
import { type KnobDraft, draftOf, knobsOfDraft } from './knob-values';
import styles from './lab.module.css';
import { RunCompare } from './run-compare';
import { RunList } from './run-list';
import { useLabRuns, useLabScenarios } from './use-lab';

/** Within what a run request accepts (1 to 50). */
const TIME_SCALES = [1, 2, 5, 10, 20, 50] as const;

/**
 * `/lab`: pick a scenario, read what it teaches, change its knobs and run it: each run is a fresh lab
 * cluster rolled out once and recorded. Finished runs are compared side by side on aligned time axes.
 */
export function LabPage() {
  const { scenarios, error: scenariosError } = useLabScenarios();
  const { runs, error: runsError, start } = useLabRuns();
  const [chosen, setChosen] = useState<string>();
  const [drafts, setDrafts] = useState<Record<string, KnobDraft>>({});
  const [runError, setRunError] = useState<string>();
  const [starting, setStarting] = useState(false);
  // Empty: the server's --time-scale.
  const [timeScale, setTimeScale] = useState('');
  const scenario = scenarios.find((s) => s.name === chosen) ?? scenarios[0];
  const draft = scenario ? (drafts[scenario.name] ?? draftOf(scenario.knobs)) : {};
  const active = runs.filter((r) => r.state !== 'done' && r.state !== 'failed').length;

  const run = async () => {
    if (!scenario) return;
    const checked = knobsOfDraft(draft);
    if ('error' in checked) {
      setRunError(checked.error);
      return;
    }
    setStarting(true);
    setRunError(await start({ scenario: scenario.name, knobs: checked.knobs, ...(timeScale !== '' ? { timeScale: Number(timeScale) } : {}) }));
    setStarting(false);
  };

  return (
    <main className="page">
      <header className="page-header">
        <h1>Lab</h1>
        <p className="tagline">Each run starts its own lab cluster, rolls the scenario out once with real traffic on every node, and records it.</p>
      </header>
      {scenariosError ? <p className="error">{scenariosError}</p> : null}
      <section className={styles.controls} data-testid="lab-controls" aria-label="Scenario and knobs">
        <div className={styles.scenarioRow}>
          <label>
            Scenario{' '}
            <select value={scenario?.name ?? ''} onChange={(e) => setChosen(e.target.value)} data-testid="scenario">
              {scenarios.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          {scenario ? <span className={styles.scenarioTitle}>{scenario.title}</span> : null}
        </div>
        {scenario ? (
          <p className={styles.teaches} data-testid="teaches">
            {scenario.teaches}
          </p>
        ) : null}
        {scenario ? <KnobForm draft={draft} onChange={(next) => setDrafts({ ...drafts, [scenario.name]: next })} /> : null}
        <div className={styles.actions}>
          <label title="Every duration of the scenario (lags, sleeps, probe delays) runs this many times faster; figures are in real time">
            Time scale{' '}
            <select value={timeScale} onChange={(e) => setTimeScale(e.target.value)} data-testid="time-scale">
              <option value="">the server&apos;s</option>
              {TIME_SCALES.map((n) => (
                <option key={n} value={String(n)}>{`${n}× faster`}</option>
              ))}
            </select>
          </label>
          <button type="button" className={styles.runButton} onClick={() => void run()} disabled={!scenario || starting} data-testid="run">
            {starting ? 'Starting…' : 'Run'}
          </button>
          <button type="button" onClick={() => scenario && setDrafts({ ...drafts, [scenario.name]: draftOf(scenario.knobs) })} disabled={!scenario || drafts[scenario.name] === undefined}>
            Reset knobs
          </button>
          {active > 0 ? <span className="muted">{active} run(s) in progress</span> : null}
          {runError ? (
            <span className="error" role="alert" data-testid="run-error">
              {runError}
            </span>
          ) : null}
        </div>
      </section>
      <section className={styles.runs} aria-label="Runs">
        <h2>Runs</h2>
        {runsError ? <p className="error">{runsError}</p> : null}
        <RunList runs={runs} scenarios={scenarios} />
      </section>
      <section className={styles.compare} aria-label="Compare two runs">
        <h2>Compare</h2>
        <RunCompare runs={runs} scenarios={scenarios} />
      </section>
    </main>
  );
}
