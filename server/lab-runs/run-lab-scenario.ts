import { randomBytes } from 'node:crypto';
import type { LabRunTruth } from '../../lib/http-contract';
import type { OutcomeTotals } from '../lab/data-plane/ground-truth';
import type { LabCluster } from '../lab/lab-cluster';
import type { Scenario } from '../lab/scenarios/scenario-schema';
import type { Logger } from '../logger';
import type { CutoverEvent } from '../../lib/events/event-schema';
import type { EventHub } from '../events/event-hub';
import { watchRolloutEnd } from '../session/rollout-end';
import { startSession } from '../session/start-session';

export type RunStep = 'warming-up' | 'rolling-out' | 'stopping';

export interface RunPlan {
  id: string;
  scenario: Scenario;
  timeScale: number;
  recordingsDir: string;
  logger: Logger;
  /** Aborted when the server shuts down: the run stops at once and keeps what it recorded. */
  signal: AbortSignal;
  onStep(step: RunStep): void;
  /** Real ms to wait for every node's agent to report before rolling out. Default 20 s. */
  warmUpTimeoutMs?: number;
  /** Real ms the rollout may take to end and settle. Default 120 s. */
  rolloutTimeoutMs?: number;
}

export interface RunResult {
  recordingId: string | undefined;
  /** Server ms when lab.rollout() was called. */
  rolloutAt: number;
  /** The rollout's outcome as the fold saw it, or 'timeout'. */
  outcome: string;
  truth: LabRunTruth;
}

/** Real ms of steady probing after every agent has reported, so the recording starts with a baseline. */
const BASELINE_MS = 500;

/**
 * One lab run: a fresh lab from the scenario, the session's pipeline around it (kube and probe
 * sources, one agent per node, the recorder), a short warm-up, the rollout, and a stop once the rollout
 * has ended and settled (or timed out). The lab's data plane counts every request it handled from the
 * rollout's start: that is the yardstick the recording's report is compared against.
 */
export async function runLabScenario(plan: RunPlan): Promise<RunResult> {
  const session = await startSession({
    lab: { scenario: plan.scenario, timeScale: plan.timeScale },
    agentToken: randomBytes(24).toString('base64url'),
    record: { dir: plan.recordingsDir, label: `lab-run-${plan.scenario.name}-${plan.id}`, tool: 'cutover lab run' },
    logger: plan.logger,
  });
  const lab = session.lab;
  let before: OutcomeTotals | undefined;
  let rolloutAt = Date.now();
  let outcome = 'aborted';
  try {
    if (!lab?.dataPlane) throw new Error('the lab started without a data plane');
    plan.onStep('warming-up');
    await abortable(plan.signal, waitForProbes(session.server.hub, lab.nodes, plan.warmUpTimeoutMs ?? 20_000));
    await abortable(plan.signal, delay(BASELINE_MS));
    plan.onStep('rolling-out');
    before = lab.dataPlane.groundTruth.snapshot().totals;
    rolloutAt = Date.now();
    const watch = watchRolloutEnd(session.server.measurements, { since: rolloutAt });
    lab.rollout();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), plan.rolloutTimeoutMs ?? 120_000);
    });
    try {
      const ended = await abortable(plan.signal, Promise.race([watch.ended, timeout]));
      outcome = ended ? ended.rollout.outcome : 'timeout';
    } finally {
      clearTimeout(timer);
      watch.cancel();
    }
  } finally {
    plan.onStep('stopping');
    await session.stop();
  }
  // After the stop: every request an agent sent has ended and been counted.
  return { recordingId: session.recorder?.id, rolloutAt, outcome, truth: truthSince(lab, before) };
}

function truthSince(lab: LabCluster | undefined, before: OutcomeTotals | undefined): LabRunTruth {
  const after = lab?.dataPlane?.groundTruth.snapshot().totals;
  const d = (key: keyof OutcomeTotals) => (after?.[key] ?? 0) - (before?.[key] ?? 0);
  const dropped = d('refused') + d('timeout') + d('reset');
  return { requests: d('served') + dropped, dropped, refused: d('refused'), timeout: d('timeout'), reset: d('reset'), stale: d('stale') };
}

/** Resolves once every node's agent has delivered a probe batch (it is connected and its clock is mapped). */
function waitForProbes(feed: Pick<EventHub, 'since' | 'subscribe' | 'floorSeq'>, nodes: readonly string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const waiting = new Set(nodes);
    const see = (e: CutoverEvent) => {
      if (e.type === 'probes') waiting.delete(e.node);
    };
    const check = () => {
      if (waiting.size > 0) return;
      finish();
      resolve();
    };
    const unsubscribe = feed.subscribe((e) => {
      see(e);
      check();
    });
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no probe results from ${[...waiting].join(', ')} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    // What the hub still holds: the warm-up only needs recent batches.
    for (const e of feed.since(feed.floorSeq)) see(e);
    check();
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class RunAbortedError extends Error {}

/** `promise`, or a rejection as soon as `signal` aborts. */
function abortable<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(new RunAbortedError('the server is shutting down'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new RunAbortedError('the server is shutting down'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
