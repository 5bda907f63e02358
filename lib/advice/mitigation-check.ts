import { hasReadinessProbe, preStopSleepSeconds } from '../kube/slim-container';
import { isSingleton, resolveIntOrPercent, type SlimDeployment } from '../kube/slim-deployment';
import type { PodView } from '../measure/deployment-view';
import { type PodNodeLag, worstLag } from '../measure/measure-lags';
import type { RolloutMeasurements } from '../measure/measure-rollout';

export type CheckId =
  | 'preStop-covers-removal-lag'
  | 'grace-covers-preStop-and-drain'
  | 'minReadySeconds-covers-add-lag'
  | 'readiness-probe'
  | 'surge-and-unavailable'
  | 'recreate-for-singleton';

export interface MitigationCheck {
  id: CheckId;
  status: 'ok' | 'fail' | 'unknown';
  /** The figures the verdict rests on (ms unless the name says seconds). */
  numbers: Record<string, number | string>;
}

type Measured = Omit<RolloutMeasurements, 'mitigation' | 'advice'>;

/** Longest observed time from deletion to gone, past the preStop sleep: how long the app took to drain. */
export function observedDrainMs(pods: readonly PodView[], preStopMs: number): number | undefined {
  let worst: number | undefined;
  for (const { lane } of pods) {
    if (lane.deletionObservedAt === undefined || lane.goneAt === undefined || lane.earliest.goneAt !== undefined) continue;
    const drain = Math.max(0, lane.goneAt - lane.deletionObservedAt - preStopMs);
    worst = Math.max(worst ?? drain, drain);
  }
  return worst;
}

/** Holds each measured lag against the Deployment's own settings (as they were when the rollout started). */
export function mitigationChecks(m: Measured, d: SlimDeployment | undefined, pods: readonly PodView[]): MitigationCheck[] {
  if (!d) return [];
  const preStopMs = preStopSleepSeconds(d.containers) * 1000;
  const graceMs = d.terminationGracePeriodSeconds * 1000;
  // One ranking of lags (compareLags): the check names the pod and node the headline and chart name.
  const worstRemoval = worstLag(m.removalLags);
  const worstAdd = worstLag(m.addLags);
  const drain = observedDrainMs(pods, preStopMs);
  const checks: MitigationCheck[] = [];

  // preStop must cover the time every node kept routing to a removed pod: the removal lag (from the node's
  // rules, or bounded from requests, failures that may have been a dead pod's included), whether the pod
  // drained or died. Failures after a node's rules were already correct are conntrack tail, with their
  // own remedy, not a reason to sleep longer. Under Recreate the old pod goes before the new one is
  // ready: a sleep only delays that gap, so the check does not apply.
  // A pod taken out of the Service before its deletion (removedFirst) kept serving that long as well: its
  // lags are covered by that wait plus the sleep. Any other pod has the sleep alone.
  const waited = new Map(m.removedFirst.map((r) => [r.pod, r.waitedMs]));
  const coverMs = (l: PodNodeLag) => preStopMs + (waited.get(l.pod) ?? 0);
  const needOf = (l: PodNodeLag) => (Number.isFinite(l.lag.hi) ? l.lag.hi : l.lag.value);
  const uncovered = worstLag(m.removalLags.filter((l) => needOf(l) > coverMs(l)));
  const named = uncovered ?? worstRemoval;
  const removalNumbers: Record<string, number | string> = { preStopSleepMs: preStopMs };
  if (named) {
    Object.assign(removalNumbers, { maxRemovalLagMs: named.lag.value, maxRemovalLagHiMs: needOf(named), node: named.node, pod: named.pod, evidence: named.evidence });
    if (!Number.isFinite(named.lag.hi)) removalNumbers.removalLagUnbounded = 'true';
    const out = waited.get(named.pod);
    if (out !== undefined) removalNumbers.outOfServiceBeforeDeletionMs = out;
  }
  if (d.strategy.type === 'Recreate') removalNumbers.strategy = 'Recreate';
  checks.push({ id: 'preStop-covers-removal-lag', status: !worstRemoval || d.strategy.type === 'Recreate' ? 'unknown' : uncovered ? 'fail' : 'ok', numbers: removalNumbers });
  const graceNumbers: Record<string, number | string> = { gracePeriodMs: graceMs, preStopSleepMs: preStopMs };
  if (drain !== undefined) graceNumbers.observedDrainMs = drain;
  checks.push({ id: 'grace-covers-preStop-and-drain', status: graceMs > preStopMs + (drain ?? 0) ? 'ok' : 'fail', numbers: graceNumbers });
  checks.push(
    worstAdd
      ? { id: 'minReadySeconds-covers-add-lag', status: d.minReadySeconds * 1000 >= worstAdd.lag.hi ? 'ok' : 'fail', numbers: { minReadyMs: d.minReadySeconds * 1000, maxAddLagMs: worstAdd.lag.value, maxAddLagHiMs: worstAdd.lag.hi, node: worstAdd.node, pod: worstAdd.pod } }
      : { id: 'minReadySeconds-covers-add-lag', status: 'unknown', numbers: { minReadyMs: d.minReadySeconds * 1000 } },
  );
  checks.push({ id: 'readiness-probe', status: hasReadinessProbe(d.containers) ? 'ok' : 'fail', numbers: { containers: d.containers.length } });

  const surge = resolveIntOrPercent(d.strategy.maxSurge, d.replicas, true);
  const unavailable = resolveIntOrPercent(d.strategy.maxUnavailable, d.replicas, false);
  if (d.strategy.type === 'RollingUpdate') {
    const singletonOverlap = isSingleton(d) && surge > 0;
    const tooFew = !isSingleton(d) && unavailable > 0 && m.dropped.total.value > 0;
    checks.push({ id: 'surge-and-unavailable', status: singletonOverlap || tooFew ? 'fail' : 'ok', numbers: { maxSurge: surge, maxUnavailable: unavailable, replicas: d.replicas, dropped: m.dropped.total.value } });
  }
  if (isSingleton(d)) {
    const overlapMs = Math.max(m.singleton?.dataPlane.value ?? 0, m.singleton?.controlPlane.value ?? 0);
    checks.push({ id: 'recreate-for-singleton', status: d.strategy.type === 'Recreate' ? 'ok' : 'fail', numbers: { strategy: d.strategy.type, singletonOverlapMs: overlapMs } });
  }
  return checks;
}
