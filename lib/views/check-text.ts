import type { CheckId, MitigationCheck } from '../advice/mitigation-check';
import { formatMs } from './headline-figures';

/** Each check in words: what it holds the rollout against. */
export const CHECK_TITLE: Record<CheckId, string> = {
  'preStop-covers-removal-lag': 'preStop sleep covers the slowest removal',
  'grace-covers-preStop-and-drain': 'Grace period covers preStop and draining',
  'minReadySeconds-covers-add-lag': 'minReadySeconds covers the slowest add',
  'readiness-probe': 'Readiness probe present',
  'surge-and-unavailable': 'maxSurge and maxUnavailable keep capacity',
  'recreate-for-singleton': 'Recreate strategy for a singleton',
};

const FIGURE_NAME: Record<string, string> = {
  preStopSleepMs: 'preStop sleep',
  maxRemovalLagMs: 'slowest removal',
  maxRemovalLagHiMs: 'up to',
  removalLagUnbounded: 'no upper end measured',
  outOfServiceBeforeDeletionMs: 'out of the Service before deletion',
  gracePeriodMs: 'grace period',
  observedDrainMs: 'longest drain seen',
  minReadyMs: 'minReadySeconds',
  maxAddLagMs: 'slowest add',
  maxAddLagHiMs: 'up to',
  containers: 'containers',
  maxSurge: 'maxSurge',
  maxUnavailable: 'maxUnavailable',
  replicas: 'replicas',
  dropped: 'dropped requests',
  singletonOverlapMs: 'two pods together',
  strategy: 'strategy',
  node: 'on',
  pod: 'pod',
  evidence: 'from',
};

const EVIDENCE: Record<string, string> = { 'node-rules': "the node's rules", 'attributed-failures': 'attributed failures', responses: 'responses alone' };

function value(key: string, v: number | string): string {
  if (typeof v === 'string') return key === 'evidence' ? (EVIDENCE[v] ?? v) : v;
  if (key.endsWith('Ms')) return Number.isFinite(v) ? formatMs(v) : 'unknown';
  return String(v);
}

/**
 * A check's figures as a reader needs them ("preStop sleep 0 ms · slowest removal 1.43 s · up to 1.53 s ·
 * on node-c · …"), not as `key=value`: times in the report's units, flags as words, the order kept.
 */
export function checkFigures(check: Pick<MitigationCheck, 'numbers'>): string {
  return Object.entries(check.numbers)
    .map(([key, v]) => {
      const name = FIGURE_NAME[key] ?? key;
      if (v === 'true') return name;
      return `${name} ${value(key, v)}`;
    })
    .join(' · ');
}
