import { hasReadinessProbe, preStopSleepSeconds } from '../kube/slim-container';
import { isSingleton, resolveIntOrPercent, type SlimDeployment } from '../kube/slim-deployment';
import type { PodView } from '../measure/deployment-view';
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

/** How long requests kept failing after the first old pod left the endpoints (0: none failed after). */
export function failuresAfterRemovalMs(m: Measured): number {
  if (m.dropped.total.value === 0 || m.dropped.lastAt === undefined || m.removalLags.length === 0) return 0;
  // A loop, not Math.min(...): a large rollout has a removal lag per old pod and node, tens of thousands.
  let firstRemoval = Infinity;
  for (const l of m.removalLags) if (l.endpointAt < firstRemoval) firstRemoval = l.endpointAt;
  return Math.max(0, m.dropped.lastAt - firstRemoval);
}

/** Holds each measured lag against the Deployment's own settings (as they were when the rollout started). */
export function mitigationChecks(m: Measured, d: SlimDeployment | undefined, pods: readonly PodView[]): MitigationCheck[] {
  if (!d) return [];
  const preStopMs = preStopSleepSeconds(d.containers) * 1000;
  const graceMs = d.terminationGracePeriodSeconds * 1000;
  const worstRemoval = [...m.removalLagByNode].sort((a, b) => b.lag.hi - a.lag.hi)[0];
  const worstAdd = [...m.addLagByNode].sort((a, b) => b.lag.hi - a.lag.hi)[0];
  const drain = observedDrainMs(pods, preStopMs);
  const checks: MitigationCheck[] = [];

  // A pod that exits when it leaves the endpoints answers nothing more, so its removal lag reads as
  // zero while nodes still send it requests that fail: how long failures went on after the first old
  // pod left is then the evidence (they may also be new pods not answering yet: the advice says both).
  const failingForMs = failuresAfterRemovalMs(m);
  const needMs = Math.max(worstRemoval?.lag.hi ?? 0, failingForMs);
  const removalNumbers: Record<string, number | string> = { preStopSleepMs: preStopMs };
  if (worstRemoval) Object.assign(removalNumbers, { maxRemovalLagMs: worstRemoval.lag.value, maxRemovalLagHiMs: worstRemoval.lag.hi, node: worstRemoval.node, pod: worstRemoval.pod });
  if (failingForMs > 0) removalNumbers.failuresAfterRemovalMs = failingForMs;
  checks.push({ id: 'preStop-covers-removal-lag', status: worstRemoval || failingForMs > 0 ? (preStopMs >= needMs ? 'ok' : 'fail') : 'unknown', numbers: removalNumbers });
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
