import type { LabKnobOverrides } from '../../lib/lab-knobs';
import { type LagModel, type Scenario, scenarioSchema } from '../lab/scenarios/scenario-schema';

/** A knob that does not apply to the scenario, or a combination the scenario cannot run. */
export class KnobError extends Error {}

/** The readiness probe a scenario gets when the knob turns one on: the `fixed` scenario's. */
const DEFAULT_READINESS_PROBE = { path: '/healthz', initialDelaySeconds: 1, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 1 };

/** The most a lag model can delay a change (scenario ms). */
export function worstLagMs(lag: LagModel): number {
  switch (lag.kind) {
    case 'fixed':
      return lag.ms;
    case 'jitter':
      return lag.maxMs;
    case 'straggler':
      return lag.ms + lag.jitterMs;
    default: {
      const never: never = lag;
      return never;
    }
  }
}

/** `maxSurge`/`maxUnavailable` as a count, resolved as Kubernetes does (surge rounds up, unavailable down). */
function resolveIntOrPercent(value: number | string, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const share = (Number(value.slice(0, -1)) / 100) * replicas;
  return roundUp ? Math.ceil(share) : Math.floor(share);
}

/** The scenario's current knob values. Knobs that do not apply (surge settings under Recreate) are absent. */
export function knobsOf(scenario: Scenario): LabKnobOverrides {
  const d = scenario.deployment;
  const knobs: LabKnobOverrides = {
    nodeLagMs: Math.max(0, ...scenario.nodes.map((n) => worstLagMs(n.lag))),
    preStopSeconds: d.preStop?.seconds ?? 0,
    terminationGracePeriodSeconds: d.terminationGracePeriodSeconds,
    minReadySeconds: d.minReadySeconds,
    shutdown: d.shutdown,
    readinessProbe: d.readinessProbe !== undefined,
    replicas: d.replicas,
    probeIntervalMs: scenario.probeIntervalMs,
  };
  if (d.strategy.type === 'RollingUpdate') {
    knobs.maxSurge = resolveIntOrPercent(d.strategy.maxSurge, d.replicas, true);
    knobs.maxUnavailable = resolveIntOrPercent(d.strategy.maxUnavailable, d.replicas, false);
  }
  return knobs;
}

/** Multiplies every duration of a lag model by `factor`, keeping its shape (jitter range, straggler). */
function scaleLag(lag: LagModel, factor: number): LagModel {
  const r = (ms: number) => Math.round(ms * factor);
  switch (lag.kind) {
    case 'fixed':
      return { kind: 'fixed', ms: r(lag.ms) };
    case 'jitter':
      return { kind: 'jitter', minMs: r(lag.minMs), maxMs: r(lag.maxMs) };
    case 'straggler':
      return { kind: 'straggler', ms: r(lag.ms), jitterMs: r(lag.jitterMs) };
    default: {
      const never: never = lag;
      return never;
    }
  }
}

/**
 * The scenario with the knobs applied, validated again as a whole (e.g. maxSurge and maxUnavailable
 * both 0 is refused). The worst node lag scales every node's lag by the same factor, so a scenario
 * with one straggler keeps one straggler; a scenario without any lag gets it on its last node.
 */
export function applyKnobs(base: Scenario, knobs: LabKnobOverrides): Scenario {
  const s = structuredClone(base);
  const d = s.deployment;
  if (knobs.nodeLagMs !== undefined) {
    const worst = Math.max(0, ...s.nodes.map((n) => worstLagMs(n.lag)));
    if (worst > 0) {
      const factor = knobs.nodeLagMs / worst;
      for (const node of s.nodes) node.lag = scaleLag(node.lag, factor);
    } else {
      const last = s.nodes[s.nodes.length - 1];
      if (last) last.lag = { kind: 'fixed', ms: knobs.nodeLagMs };
    }
  }
  if (knobs.preStopSeconds !== undefined) {
    if (knobs.preStopSeconds === 0) delete d.preStop;
    else d.preStop = { style: d.preStop?.style ?? 'sleep', seconds: knobs.preStopSeconds };
  }
  if (knobs.terminationGracePeriodSeconds !== undefined) d.terminationGracePeriodSeconds = knobs.terminationGracePeriodSeconds;
  if (knobs.minReadySeconds !== undefined) d.minReadySeconds = knobs.minReadySeconds;
  if (knobs.shutdown !== undefined) d.shutdown = knobs.shutdown;
  if (knobs.readinessProbe !== undefined) {
    if (!knobs.readinessProbe) delete d.readinessProbe;
    else d.readinessProbe ??= { ...DEFAULT_READINESS_PROBE };
  }
  if (knobs.replicas !== undefined) d.replicas = knobs.replicas;
  if (knobs.probeIntervalMs !== undefined) s.probeIntervalMs = knobs.probeIntervalMs;
  if (knobs.maxSurge !== undefined || knobs.maxUnavailable !== undefined) {
    if (d.strategy.type !== 'RollingUpdate') throw new KnobError(`scenario ${base.name} uses the Recreate strategy: maxSurge and maxUnavailable do not apply`);
    if (knobs.maxSurge !== undefined) d.strategy.maxSurge = knobs.maxSurge;
    if (knobs.maxUnavailable !== undefined) d.strategy.maxUnavailable = knobs.maxUnavailable;
  }
  const checked = scenarioSchema.safeParse(s);
  if (!checked.success) throw new KnobError(checked.error.issues.map((i) => `${i.path.join('.') || 'scenario'}: ${i.message}`).join('; '));
  return checked.data;
}
