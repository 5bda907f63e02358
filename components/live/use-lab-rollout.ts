'use client';

import { useCallback, useEffect, useState } from 'react';
import { API_ROUTES, apiErrorSchema, type LabSession, labSessionSchema } from '../../lib/http-contract';

export interface LabRollout {
  /** The session's lab, when the server runs on one. */
  lab?: LabSession;
  busy: boolean;
  error?: string;
  rollOut: () => void;
}

/** Whether this session runs on the embedded lab, and a way to start its scenario's rollout. */
export function useLabRollout(): LabRollout {
  const [lab, setLab] = useState<LabSession>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    fetch(API_ROUTES.lab)
      .then(async (r) => {
        // 404: a real cluster (or a replay), nothing to roll out from here.
        if (!r.ok) return;
        const parsed = labSessionSchema.safeParse(await r.json());
        if (live && parsed.success) setLab(parsed.data);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const rollOut = useCallback(() => {
    setBusy(true);
    setError(undefined);
    fetch(API_ROUTES.labRollout, { method: 'POST' })
      .then(async (r) => {
        if (r.ok) return;
        const body = apiErrorSchema.safeParse(await r.json().catch(() => null));
        setError(body.success ? body.data.error : `${r.status} ${r.statusText}`);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  }, []);
  return { ...(lab ? { lab } : {}), busy, ...(error ? { error } : {}), rollOut };
}
