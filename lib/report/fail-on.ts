import type { RolloutReport } from './report-model';
import { rolloutOverlap, worstRolloutLag } from './rollout-extremes';

/** What `--fail-on` can test, each read from a rollout's report. Times in ms. */
const METRICS = {
  dropped: (r: RolloutReport) => r.measurements.droppedRequests.total.value,
  stale: (r: RolloutReport) => r.measurements.staleResponses.afterDeletion.value,
  overlap: (r: RolloutReport) => rolloutOverlap(r).ms,
  'control-overlap': (r: RolloutReport) => r.measurements.controlPlaneOverlapMs.value,
  lag: (r: RolloutReport) => worstRolloutLag(r)?.lag.lagMs.value ?? 0,
  'add-lag': (r: RolloutReport) => r.measurements.worstAddLag?.lagMs.value ?? 0,
  'removal-lag': (r: RolloutReport) => r.measurements.worstRemovalLag?.lagMs.value ?? 0,
  singleton: (r: RolloutReport) => r.measurements.singletonViolation?.dataPlaneMs.value ?? 0,
  failed: (r: RolloutReport) => (r.outcome === 'failed' || r.outcome === 'rolled-back' ? 1 : 0),
} as const;
export type MetricName = keyof typeof METRICS;
const TIME_METRICS = new Set<MetricName>(['overlap', 'control-overlap', 'lag', 'add-lag', 'removal-lag', 'singleton']);

export interface FailCondition {
  text: string;
  metric: MetricName;
  op: '>' | '>=' | '<' | '<=' | '=';
  /** In ms for times, a count otherwise. */
  threshold: number;
}

export class FailConditionError extends Error {}

/** Parses `dropped>0`, `overlap>2s`, `lag>=500ms`, `stale>0`. A time without a unit is in seconds. */
export function parseFailCondition(text: string): FailCondition {
  const match = /^\s*([a-z-]+)\s*(>=|<=|>|<|=)\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(text);
  if (!match) throw new FailConditionError(`cannot read condition "${text}": expected e.g. dropped>0, stale>0, overlap>2s, lag>5s`);
  const [, name = '', op = '>', number = '0', unit] = match;
  if (!(name in METRICS)) throw new FailConditionError(`unknown measurement "${name}" in "${text}": one of ${Object.keys(METRICS).join(', ')}`);
  const metric = name as MetricName;
  if (unit && !TIME_METRICS.has(metric)) throw new FailConditionError(`"${name}" is a count and takes no unit ("${text}")`);
  const threshold = TIME_METRICS.has(metric) ? Number(number) * (unit === 'ms' ? 1 : 1000) : Number(number);
  return { text: text.trim(), metric, op: op as FailCondition['op'], threshold };
}

function holds(value: number, op: FailCondition['op'], threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '=':
      return value === threshold;
    default: {
      const unreachable: never = op;
      return unreachable;
    }
  }
}

/** A measured value in the condition's own unit: "2.30 s" for times, "12" for counts. */
export function formatMeasured(metric: MetricName, value: number): string {
  if (metric === 'failed') return value === 1 ? 'failed or rolled back' : 'not failed';
  return TIME_METRICS.has(metric) ? `${(value / 1000).toFixed(2)} s` : String(value);
}

/** The conditions that hold, with the rollout and the measured value, for the gate's message. */
export function evaluateFailConditions(rollouts: readonly RolloutReport[], conditions: readonly FailCondition[]): Array<{ condition: FailCondition; rollout: string; value: number }> {
  const hits: Array<{ condition: FailCondition; rollout: string; value: number }> = [];
  for (const rollout of rollouts) {
    for (const condition of conditions) {
      const value = METRICS[condition.metric](rollout);
      if (holds(value, condition.op, condition.threshold)) hits.push({ condition, rollout: rollout.id, value });
    }
  }
  return hits;
}
