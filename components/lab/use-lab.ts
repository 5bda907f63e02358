'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { API_ROUTES, LAB_RUN_ROUTES, type LabRun, type LabRunRequest, type LabScenario, apiErrorSchema, labRunListSchema, labRunSchema, labScenarioListSchema } from '../../lib/http-contract';

const NO_LAB = 'this server does not run the lab: start it with `cutover serve --lab` to run scenarios';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function errorOf(response: Response): Promise<string> {
  const body = apiErrorSchema.safeParse(await response.json().catch(() => null));
  return body.success ? body.data.error : `${response.status} ${response.statusText}`;
}

/** The lab's scenarios with what each teaches and its knob values (GET /api/lab/scenarios, once). */
export function useLabScenarios(): { scenarios: LabScenario[]; error?: string } {
  const [state, setState] = useState<{ scenarios: LabScenario[]; error?: string }>({ scenarios: [] });
  useEffect(() => {
    let live = true;
    (async () => {
      const response = await fetch(API_ROUTES.labScenarios);
      if (response.status === 404) throw new Error(NO_LAB);
      if (!response.ok) throw new Error(await errorOf(response));
      const parsed = labScenarioListSchema.safeParse(await response.json());
      if (!parsed.success) throw new Error('the server sent a scenario list this page cannot read');
      return parsed.data.scenarios;
    })().then(
      (scenarios) => live && setState({ scenarios }),
      (e: unknown) => live && setState({ scenarios: [], error: message(e) === NO_LAB ? NO_LAB : `scenarios: ${message(e)}` }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

const finished = (run: LabRun) => run.state === 'done' || run.state === 'failed';

/**
 * The server's lab runs, polled: every second while one is in progress, every 5 s otherwise (runs can
 * be started from another tab or with curl). `start` posts a run and polls at once.
 */
export function useLabRuns(): { runs: LabRun[]; error?: string; start(request: LabRunRequest): Promise<string | undefined> } {
  const [runs, setRuns] = useState<LabRun[]>([]);
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const active = useRef(false);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const response = await fetch(LAB_RUN_ROUTES.runs, { cache: 'no-store' });
        if (response.status === 404) return; // not a lab server: the scenarios say so, and there is nothing to poll
        if (!response.ok) throw new Error(await errorOf(response));
        const parsed = labRunListSchema.safeParse(await response.json());
        if (!parsed.success) throw new Error('the server sent a run list this page cannot read');
        if (!live) return;
        setRuns(parsed.data.runs);
        setError(undefined);
        active.current = parsed.data.runs.some((r) => !finished(r));
      } catch (e) {
        if (live) setError(`runs: ${message(e)}`);
      }
      // A hidden tab polls slowly: nobody is watching the progress bars.
      if (live) timer = setTimeout(() => void poll(), active.current && !document.hidden ? 1000 : 5000);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [tick]);
  const start = useCallback(async (request: LabRunRequest) => {
    try {
      const response = await fetch(LAB_RUN_ROUTES.runs, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      if (!response.ok) return await errorOf(response);
      const run = labRunSchema.safeParse(await response.json());
      if (run.success) setRuns((now) => [run.data, ...now.filter((r) => r.id !== run.data.id)]);
      setTick((t) => t + 1);
      return undefined;
    } catch (e) {
      return message(e);
    }
  }, []);
  return { runs, ...(error ? { error } : {}), start };
}
