import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type SweepRow, type SweepSpec, sweepOverrides } from '../../lib/lab-sweep';
import type { Scenario } from '../lab/scenarios/scenario-schema';
import type { Logger } from '../logger';
import { reportOfRecording } from './recording-report';
import { runLabScenario } from './run-lab-scenario';
import { applyKnobs } from './scenario-knobs';

export interface SweepPlan {
  scenario: Scenario;
  spec: SweepSpec;
  timeScale: number;
  logger: Logger;
  /** Where the runs' recordings go; a temporary directory (removed at the end) when absent. */
  recordingsDir?: string;
  signal?: AbortSignal;
  /** Called after each run, e.g. to print its row at once. */
  onRow?: (row: SweepRow) => void;
}

/**
 * Runs the scenario once per value of the swept knob, one after the other (each run is a fresh lab with
 * real pods, proxies and agents; two at once would share the machine's cores and skew the lags), and
 * returns a row per run: the lab's own count of dropped requests beside Cutover's report of the recording.
 */
export async function runKnobSweep(plan: SweepPlan): Promise<SweepRow[]> {
  const dir = plan.recordingsDir ?? (await mkdtemp(path.join(tmpdir(), 'cutover-sweep-')));
  const signal = plan.signal ?? new AbortController().signal;
  const rows: SweepRow[] = [];
  try {
    for (const value of plan.spec.values) {
      if (signal.aborted) break;
      const scenario = applyKnobs(plan.scenario, sweepOverrides(plan.spec, value));
      const id = `${plan.spec.knob}-${value}`;
      const run = await runLabScenario({ id, scenario, timeScale: plan.timeScale, recordingsDir: dir, logger: plan.logger, signal, onStep: () => undefined });
      const report = run.recordingId ? await reportOfRecording(path.join(dir, `${run.recordingId}.jsonl`)) : undefined;
      const rollout = report?.rollouts.find((r) => r.startedAtMs >= run.rolloutAt - 1_000);
      const m = rollout?.measurements;
      const row: SweepRow = {
        value,
        outcome: run.outcome,
        labRequests: run.truth.requests,
        labDropped: run.truth.dropped,
        dropped: m?.droppedRequests.total.value ?? null,
        afterSigterm: m?.staleResponses.afterSigterm.value ?? null,
        conntrackTail: m?.conntrackTail.total.value ?? null,
        worstRemovalLagMs: m?.worstRemovalLag?.lagMs.value ?? null,
        worstRemovalNode: m?.worstRemovalLag?.node ?? null,
      };
      rows.push(row);
      plan.onRow?.(row);
    }
  } finally {
    if (!plan.recordingsDir) await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

