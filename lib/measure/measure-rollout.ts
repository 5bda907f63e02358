import { isSingleton } from '../kube/slim-deployment';
import type { FoldState } from '../fold/fold-types';
import type { Bound } from './bound';
import type { AttributedRun } from './deployment-view';
import type { DeploymentRollouts, RolloutView } from './select-rollouts';
import { selectDeploymentRollouts, type SelectOptions } from './select-rollouts';
import { totalLength, type Span } from './intervals';
import {
  controlPlaneOverlap,
  dataPlaneOverlapOf,
  noReadyEndpointSpans,
  probeTiming,
  singletonViolation,
  type ControlPlaneOverlap,
  type DataPlaneOverlap,
  type ProbeTiming,
  type SingletonViolation,
  ServedEdgesCollector,
} from './measure-overlap';
import { addLags, removalLags, SeenCollector, worstByNode, type PodNodeLag } from './measure-lags';
import { conntrackTail, droppedRequests, type ConntrackTail, type DroppedRequests } from './measure-dropped';
import { StaleCollector, type StaleResponses } from './measure-stale';
import { mitigationChecks, type MitigationCheck } from '../advice/mitigation-check';
import { adviceFor, type Advice } from '../advice/advice';
import { removedFirst, type RemovedFirst } from './removed-first';

/** The measurements table of DESIGN.md for one rollout; every time in ms, every figure with its bound. */
export interface RolloutMeasurements {
  rollout: RolloutView;
  timing: ProbeTiming;
  controlPlaneOverlap: ControlPlaneOverlap;
  dataPlaneOverlap: { cluster: DataPlaneOverlap; perNode: DataPlaneOverlap[] };
  addLags: PodNodeLag[];
  removalLags: PodNodeLag[];
  /** Worst removal lag per node. */
  removalLagByNode: PodNodeLag[];
  addLagByNode: PodNodeLag[];
  stale: StaleResponses;
  dropped: DroppedRequests;
  /** Failures after a node's rules were already correct, through leftover conntrack entries: not rule lag. */
  conntrackTail: ConntrackTail;
  /** Spans with no ready endpoint of the Deployment, and the requests dropped in them. */
  noReadyEndpoint: { totalMs: number; spans: Span[]; dropped: Bound };
  /** Pods taken out of the Service before their deletion, with each node's all-clear for them. */
  removedFirst: RemovedFirst[];
  /** Only for a Deployment of one replica or annotated `cutover.dev/singleton: "true"`. */
  singleton?: SingletonViolation;
  mitigation: MitigationCheck[];
  advice: Advice[];
  /** True when any source had a gap during the rollout: figures across it are bounds, not exact. */
  spansGap: boolean;
}

export function measureRollout(state: FoldState, d: DeploymentRollouts, rollout: RolloutView): RolloutMeasurements {
  const { pods, runs } = d;
  // One walk over the Deployment's runs for everything measured run by run (a session's runs can number
  // hundreds of thousands); the dropped counts then walk only the failed ones.
  const seenC = new SeenCollector();
  const staleC = new StaleCollector(rollout, (node) => state.nodes.get(node)?.intervalMs ?? 0);
  const edgesC = new ServedEdgesCollector(rollout);
  const failed: AttributedRun[] = [];
  for (const a of runs) {
    seenC.add(a);
    staleC.add(a);
    edgesC.add(a);
    if (a.run.outcome !== 'served') failed.push(a);
  }
  const seen = seenC.result();
  const adds = addLags(state, rollout, pods, runs, seen);
  const removals = removalLags(state, rollout, pods, runs, seen);
  const noReady = noReadyEndpointSpans(rollout, pods);
  const droppedInGap = droppedRequests(failed, noReady).total;
  const window = { from: rollout.startAt, to: rollout.windowEnd };
  const settings = rollout.record.settings ?? d.track.current;
  const m: Omit<RolloutMeasurements, 'mitigation' | 'advice'> = {
    rollout,
    timing: probeTiming(state),
    controlPlaneOverlap: controlPlaneOverlap(rollout, pods),
    dataPlaneOverlap: dataPlaneOverlapOf(state, rollout, edgesC),
    addLags: adds,
    removalLags: removals,
    removalLagByNode: worstByNode(removals),
    addLagByNode: worstByNode(adds),
    stale: staleC.result(),
    dropped: droppedRequests(failed, [window]),
    conntrackTail: conntrackTail(failed, removals, window),
    removedFirst: removedFirst(rollout, pods, removals),
    noReadyEndpoint: { totalMs: totalLength(noReady), spans: noReady, dropped: droppedInGap },
    spansGap: rollout.gaps.length > 0,
  };
  if (settings && isSingleton(settings)) m.singleton = singletonViolation(state, rollout, pods, runs);
  const mitigation = mitigationChecks(m, settings, pods);
  return { ...m, mitigation, advice: adviceFor(m, mitigation, settings) };
}

/** Every rollout of every Deployment, measured. */
export function measureAll(state: FoldState, options: SelectOptions = {}): RolloutMeasurements[] {
  return selectDeploymentRollouts(state, options).flatMap((d) => d.rollouts.map((r) => measureRollout(state, d, r)));
}
