import type { SlimDeployment } from '../kube/slim-deployment';
import type { SlimPod } from '../kube/slim-pod';
import type { SlimReplicaSet } from '../kube/slim-replica-set';
import type { ProbeRun } from '../probes/probe-run';
import type { SourceGapEvent } from '../events/event-schema';
import type { ProbeSendTimes } from './probe-send-times';

/** A half-open span of server time; `to` undefined while it is still going on. */
export interface Interval {
  from: number;
  to?: number;
}

export interface FoldOptions {
  /** How long every probed node must see only the new revision before a rollout counts as complete. */
  settleMs: number;
  /** Two runs of the same pod and outcome on a node further apart than this stay separate runs. */
  runMergeGapMs: number;
  /**
   * While something changes, a pod that is ready in the endpoints and not going away still has its served
   * runs merged when they follow within this (with many pods behind a Service a node reaches each one
   * only now and then).
   */
  stableMergeGapMs: number;
}

/**
 * The merge gap only applies in steady state; it is long because with many pods behind a Service each
 * node reaches a given pod only every few seconds.
 */
export const DEFAULT_FOLD_OPTIONS: FoldOptions = { settleMs: 10_000, runMergeGapMs: 30_000, stableMergeGapMs: 300_000 };

export interface Gap {
  source: string;
  reason: SourceGapEvent['reason'];
  from: number;
  to: number;
  node?: string;
}

export type LaneField =
  | 'createdAt'
  | 'scheduledAt'
  | 'startedAt'
  | 'readyAt'
  | 'deletionObservedAt'
  | 'goneAt';

/** One pod's life as observed (server receive times). */
export interface PodLane {
  uid: string;
  name: string;
  namespace: string;
  rsUid?: string;
  templateHash?: string;
  node?: string;
  /** First time Cutover saw the pod (its creation if the pod appeared while watching). */
  createdAt: number;
  /** True when the pod was already there at the first observation of its namespace (initial list). */
  preexisting: boolean;
  scheduledAt?: number;
  startedAt?: number;
  readyAt?: number;
  /** Ready went back to false (after having been true) at. */
  unreadyAt?: number;
  deletionObservedAt?: number;
  /** The pod's own deletionTimestamp (second precision), a cross-check only. */
  deletionTimestamp?: string;
  gracePeriodSeconds?: number;
  goneAt?: number;
  /** For times first seen by a relist after a gap: the earliest they can have happened. */
  earliest: Partial<Record<LaneField, number>>;
  pod: SlimPod;
}

/** A pod as the EndpointSlices list it (keyed by targetRef uid, else namespace/name). */
export interface EndpointTrack {
  key: string;
  podName: string;
  namespace: string;
  serviceNames: Set<string>;
  /** Every address the slices ever gave the endpoint (a node's rules and conntrack name addresses, not pods). */
  addresses: Set<string>;
  node?: string;
  bySlice: Map<string, { ready: boolean; serving: boolean; terminating: boolean }>;
  ready: Interval[];
  serving: Interval[];
  terminatingFrom?: number;
  /** Listed in no slice any more, at. */
  leftAt?: number;
  firstListedAt: number;
  /** Lower bounds of transitions seen only through a relist. */
  earliest: { readyFrom?: number; readyTo?: number; leftAt?: number };
}

export interface ReplicaSetTrack {
  uid: string;
  name: string;
  deploymentUid?: string;
  templateHash?: string;
  revision?: number;
  firstSeenAt: number;
  goneAt?: number;
  current: SlimReplicaSet;
}

export interface RolloutRecord {
  index: number;
  deploymentUid: string;
  startAt: number;
  /** Set when the start was only seen after a gap or before the recording began. */
  startEarliest?: number;
  startedBeforeRecording: boolean;
  toRevision: number;
  toHash?: string;
  fromHash?: string;
  fromRevision?: number;
  /** The target template existed before (`kubectl rollout undo` or a revert): an older ReplicaSet is re-used. */
  isRollback: boolean;
  /** The Deployment as it was when the rollout started (its settings are judged against the measurements). */
  settings?: SlimDeployment;
  /** Whether the Deployment's own template change has been attributed to this rollout. */
  templateChangeSeen: boolean;
  /** New ReplicaSet fully available and no pod of another revision left, since. */
  controlCompleteAt?: number;
  /** The Deployment first reported Progressing=False / ProgressDeadlineExceeded for this rollout, at. */
  deadlineExceededAt?: number;
  /**
   * The Deployment already reported ProgressDeadlineExceeded when this rollout began (an earlier rollout's
   * condition, e.g. the one an undo follows): it does not fail this rollout. Cleared once a Deployment is
   * seen without it, so a deadline exceeded again after that does.
   */
  deadlineInherited?: boolean;
}

export interface DeploymentTrack {
  uid: string;
  name: string;
  namespace: string;
  current?: SlimDeployment;
  firstSeenAt?: number;
  goneAt?: number;
  /** Highest revision known to be targeted. */
  revision?: number;
  fingerprint?: string;
  pendingTemplateChangeAt?: number;
  replicaSets: Set<string>;
  rollouts: RolloutRecord[];
}

export interface ProbeRunRecord extends ProbeRun {
  node: string;
  /** The probed Service (`namespace/name`), undefined when the agent did not say. */
  target: string | undefined;
  /** Runs of a stable pod were merged into it during a rollout: the runs as sent are in the node's `sent`. */
  stableMerged?: boolean;
  /** Started while something changed (a rollout, a terminating pod): steady-state merging leaves it be. */
  duringChange?: boolean;
}

/** One kind of probe result from one pod: results of the same kind extend the same open run. */
export interface ProbeRunKind {
  outcome: ProbeRun['outcome'];
  revision: string | null;
  status: number | null;
  target: string | undefined;
  endpoint: string | null;
  /** As on the wire: true conntrack tail, false the rules' own choice, undefined not known. */
  reusedConntrack: boolean | undefined;
  /** Its slot in every node's `open`. */
  index: number;
  /** `stableSince` of its pod, as of `stableAsOf` object events (it changes only with them). */
  stableSince: number;
  stableAsOf: number;
}

export interface NodeProbeTrack {
  node: string;
  intervalMs: number;
  maxUncertaintyMs: number;
  runs: ProbeRunRecord[];
  /**
   * The open run (that new results may extend) of each kind of result, at the kind's `index`: a slot
   * rather than a map per node, so a run finds its kind in the small table all nodes share.
   */
  open: Array<ProbeRunRecord | undefined>;
  /**
   * First and last probe of each run as sent that went into a stable-merged run: with the runs not
   * stable-merged, where the node's probes were. Only rollouts add to it, 16 bytes a run.
   */
  sent: ProbeSendTimes;
  /** Last probe of the latest failed run: a merged served run must not reach across a failure. */
  lastFailureAt: number;
  firstAt: number;
  lastAt: number;
}

export interface DataPlaneSync {
  node: string;
  syncedAt: number;
  upperBound: boolean;
  /** The rules were still as before this sync at this time (see the event). */
  notBefore?: number;
  target?: string;
  pods?: string[];
  /** `address:port` the node's rules route the probed Service to after this sync. */
  endpoints?: string[];
  /** When those rules were read (they may be a later sync's, but none after this). */
  rulesReadAt?: number;
}

export interface Marker {
  seq: number;
  at: number;
  label: string;
}

/**
 * Everything the fold knows. An encapsulated mutable accumulator: `reduce` updates it in place and
 * returns it (with `version` bumped), so a caller must treat an earlier reference as gone. Given the same
 * events in the same order, in one batch or many, the result is the same.
 */
export interface FoldState {
  readonly options: FoldOptions;
  version: number;
  /** Latest `at` folded: "now" for anything still in progress. */
  now: number;
  startedAt?: number;
  lastSeq: number;
  eventCount: number;
  /** Events ignored because their seq was not after the last one (a resumed stream repeating itself). */
  duplicates: number;
  deployments: Map<string, DeploymentTrack>;
  replicaSets: Map<string, ReplicaSetTrack>;
  pods: Map<string, PodLane>;
  /** namespace/name → uid of the pod currently holding that name. */
  podUidByName: Map<string, string>;
  /** Pod name → uids ever seen with it (probe results name pods, not uids). */
  podUidsByShortName: Map<string, string[]>;
  /** ReplicaSet uid → uids of its pods not yet gone (a pod can arrive before its ReplicaSet). */
  livePodsByRs: Map<string, Set<string>>;
  endpoints: Map<string, EndpointTrack>;
  /** Slice uid → keys of the endpoint tracks it lists. */
  slices: Map<string, { namespace: string; serviceName?: string; keys: Set<string> }>;
  nodes: Map<string, NodeProbeTrack>;
  /** Pod name ('' for failures naming no pod) → the kinds of result seen from it on any node. */
  probeKinds: Map<string, ProbeRunKind[]>;
  probeKindCount: number;
  gaps: Gap[];
  /** The latest gap of a Kubernetes source: resynced objects are bounded below by its start. */
  lastKubeGap?: Gap;
  markers: Marker[];
  dataPlane: DataPlaneSync[];
  /**
   * While something is changing (a rollout short of complete, a pod terminating, an object event within
   * the settle period) probe runs are kept as they come, so counts at transitions stay exact; in steady
   * state they merge and cost almost nothing.
   */
  rollingDeployments: Set<string>;
  terminatingPods: Set<string>;
  lastObjectAt: number;
  /** Object events folded: what a pod's stability is cached against. */
  objectEvents: number;
}
