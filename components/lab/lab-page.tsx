'use client';

import { useEffect, useState } from 'react';
import { z } from 'zod';
import { API_ROUTES, apiErrorSchema, labScenarioSummarySchema, type LabScenarioSummary } from '../../lib/http-contract';
import { EventLog } from '../log/event-log';
import { RolloutView } from '../rollout/rollout-view';
import { useRollout } from '../rollout/use-rollout';
import { useEventStream } from '../stream/use-event-stream';
import { ConnectionBadge } from '../live/connection-badge';

const scenarioListSchema = z.union([z.array(labScenarioSummarySchema), z.object({ scenarios: z.array(labScenarioSummarySchema) }).transform((o) => o.scenarios)]);
type Knobs = LabScenarioSummary['knobs'];

function KnobInput({ name, value, onChange }: { name: string; value: Knobs[string]; onChange: (v: Knobs[string]) => void }) {
  if (typeof value === 'boolean') return <input type="checkbox" checked={value} onChange={(e) => onChange(e.target.checked)} aria-label={name} />;
  if (typeof value === 'number') return <input type="number" value={value} onChange={(e) => onChange(Number(e.target.value))} aria-label={name} size={8} />;
  return <input value={value} onChange={(e) => onChange(e.target.value)} aria-label={name} size={10} />;
}

/** `/lab`: pick a scenario, read what it teaches, change its knobs, roll out, and compare two runs side by side. */
export function LabPage() {
  const [scenarios, setScenarios] = useState<LabScenarioSummary[]>([]);
  const [name, setName] = useState('');
  const [knobs, setKnobs] = useState<Knobs>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const stream = useEventStream();
  const { fold, history, events } = stream.session;
  const [runs, setRuns] = useState<[number, number]>([0, 1]);
  useEffect(() => {
    fetch(API_ROUTES.labScenarios)
      .then(async (r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        const parsed = scenarioListSchema.safeParse(await r.json());
        if (!parsed.success) throw new Error('unreadable scenario list');
        setScenarios(parsed.data);
        const first = parsed.data[0];
        if (first) {
          setName(first.name);
          setKnobs(first.knobs);
        }
      })
      .catch((e: unknown) => setError(`scenarios: ${e instanceof Error ? e.message : String(e)}`));
  }, []);
  const scenario = scenarios.find((s) => s.name === name);
  const rollOut = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await fetch(API_ROUTES.labRollout, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: name, knobs }) });
      if (!r.ok) {
        const body = apiErrorSchema.safeParse(await r.json().catch(() => null));
        throw new Error(body.success ? body.data.error : `${r.status} ${r.statusText}`);
      }
    } catch (e) {
      setError(`roll out: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const left = useRollout(fold, history, stream.version, { rollout: runs[0] });
  const right = useRollout(fold, history, stream.version, { rollout: runs[1] });
  const count = left.selection.deployment?.rollouts.length ?? 0;
  return (
    <main className="page">
      <header className="page-header">
        <h1>Lab</h1>
        <ConnectionBadge connection={stream.connection} sources={stream.sources} />
      </header>
      {error ? <p className="error">{error}</p> : null}
      <section className="lab-controls" data-testid="lab-controls">
        <label>
          Scenario{' '}
          <select value={name} onChange={(e) => { setName(e.target.value); setKnobs(scenarios.find((s) => s.name === e.target.value)?.knobs ?? {}); }} data-testid="scenario">
            {scenarios.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        {scenario ? <p className="teaches">{scenario.teaches}</p> : null}
        <div className="knobs">
          {Object.entries(knobs).map(([k, v]) => (
            <label key={k}>
              {k} <KnobInput name={k} value={v} onChange={(nv) => setKnobs({ ...knobs, [k]: nv })} />
            </label>
          ))}
        </div>
        <button type="button" onClick={() => void rollOut()} disabled={busy || !name} data-testid="roll-out">
          {busy ? 'Rolling out…' : 'Roll out'}
        </button>
      </section>
      {count >= 1 ? (
        <>
          <div className="picker">
            {([0, 1] as const).map((side) => (
              <label key={side}>
                {side === 0 ? 'Left' : 'Right'} run{' '}
                <select value={runs[side]} onChange={(e) => setRuns(side === 0 ? [Number(e.target.value), runs[1]] : [runs[0], Number(e.target.value)])}>
                  {Array.from({ length: count }, (_, i) => (
                    <option key={i} value={i}>
                      #{i + 1}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <div className="compare" data-testid="compare">
            {[left, right].map((d, i) =>
              d.model && d.report ? (
                <RolloutView key={i} selection={d.selection} report={d.report} model={d.model} exportName={`lab-run-${runs[i as 0 | 1] + 1}`} />
              ) : (
                <p key={i} className="empty">Roll out again to have a run to compare.</p>
              ),
            )}
          </div>
        </>
      ) : (
        <p className="empty-state">No run yet: pick a scenario and roll out.</p>
      )}
      <EventLog events={events} version={stream.version} />
    </main>
  );
}
