import type { DeploymentTrack, FoldState, Gap, RolloutRecord } from '../fold/fold-types';
import { podsOfDeployment, runsOfDeployment, type AttributedRun, type PodView } from './deployment-view';

export type RolloutOutcome = 'in-progress' | 'complete' | 'superseded' | 'rolled-back' | 'failed';

export interface RolloutView {
  /** `namespace/name#index`, stable for a given event stream. */
  id: string;
  deployment: { uid: string; name: string; namespace: string };
  record: RolloutRecord;
  outcome: RolloutOutcome;
  startAt: number;
  /** When it ended (undefined while in progress). */
  endAt?: number;
  /** The end of the measurement window: `endAt`, or "now" while in progress. */
  windowEnd: number;
  /** Last request within the rollout that an old-revision pod served or that failed short of a new one. */
  dataPlaneDoneAt?: number;
  /** Gaps in any source that overlap the rollout: measurements across them are bounded, not exact. */
  gaps: Gap[];
}

export function isNewPod(rollout: RolloutRecord, pod: PodView): boolean {
  return rollout.toHash !== undefined && pod.lane.templateHash === rollout.toHash;
}

/**
 * The last request within [from, to] that did not reach the new revision: served by an old pod, or
 * failed without reaching a new one (a node still sending to a dead old pod, a stale conntrack entry).
 * Until then the nodes have not switched, so the rollout has not settled. Gathered for every rollout of a
 * Deployment run by run, in the walk that attributes the runs.
 */
class LastOldResponses {
  readonly last: (number | undefined)[];

  constructor(private readonly windows: readonly { rollout: RolloutRecord; from: number; to: number }[]) {
    this.last = windows.map(() => undefined);
  }

  add({ run, pod }: AttributedRun): void {
    for (let i = 0; i < this.windows.length; i++) {
      const w = this.windows[i];
      if (!w || (pod ? isNewPod(w.rollout, pod) : run.outcome === 'served')) continue;
      if (run.last < w.from || run.first > w.to) continue;
      const t = Math.min(run.last, w.to);
      const last = this.last[i];
      if (last === undefined || t > last) this.last[i] = t;
    }
  }
}

/** Each rollout's window for the settle check: from its start to the next one's (or now). */
function settleWindows(track: DeploymentTrack, now: number): { rollout: RolloutRecord; from: number; to: number }[] {
  return track.rollouts.map((r, i) => ({ rollout: r, from: r.startAt, to: track.rollouts[i + 1]?.startAt ?? now }));
}

export interface SelectOptions {
  /**
   * "Now" for rollouts still settling: the caller's clock live, the recording's end on replay. Defaults to
   * the latest event folded (the fold itself has no clock).
   */
  now?: number;
  /**
   * The capture has stopped (an imported or finished recording, a replay's end): nothing more will come, so
   * each rollout is judged on what is there. One whose control plane completed, and after which no probe
   * saw an old-revision response or a failure short of a new pod, is complete without waiting out the
   * settle period. Live sessions leave it unset: more evidence may still arrive.
   */
  captureEnded?: boolean;
}

interface Judgement {
  outcome: RolloutOutcome;
  endAt?: number;
}

/**
 * A rollout's outcome, by the design's definitions:
 * - *failed* when its Deployment reported ProgressDeadlineExceeded (its own, not one inherited from an earlier
 *   rollout; see apply-workload) before it completed, even when an undo follows: the undo is its own rollout;
 * - *complete* once the control plane completed and the data plane settled: every request after the last
 *   one an old pod served (or that failed short of a new pod) is `settleMs` old. No settle is needed when no
 *   node is probed at all (there is no data plane to settle), when a later rollout started, or when the
 *   capture has ended and no probe saw old-revision traffic after the control plane completed;
 * - *rolled-back* when the next rollout returns to its starting template, *superseded* when any other
 *   rollout follows; otherwise *in-progress*.
 */
function judge(state: FoldState, r: RolloutRecord, next: RolloutRecord | undefined, dataDone: number | undefined, now: number, options: SelectOptions): Judgement {
  const limit = next?.startAt ?? now;
  const controlDone = r.controlCompleteAt !== undefined && r.controlCompleteAt <= limit ? r.controlCompleteAt : undefined;
  const deadline = r.deadlineExceededAt;
  if (deadline !== undefined && (controlDone === undefined || deadline <= controlDone)) return { outcome: 'failed', endAt: Math.min(deadline, limit) };
  if (controlDone !== undefined) {
    const end = Math.max(controlDone, dataDone ?? controlDone);
    const unprobed = state.nodes.size === 0;
    const uncontradicted = options.captureEnded === true && (dataDone === undefined || dataDone <= controlDone);
    if (next || unprobed || uncontradicted || now - end >= state.options.settleMs) return { outcome: 'complete', endAt: end };
    return { outcome: 'in-progress' };
  }
  if (next?.isRollback && next.toHash !== undefined && next.toHash === r.fromHash) return { outcome: 'rolled-back', endAt: next.startAt };
  if (next) return { outcome: 'superseded', endAt: next.startAt };
  return { outcome: 'in-progress' };
}

function describe(state: FoldState, track: DeploymentTrack, lastOld: readonly (number | undefined)[], now: number, options: SelectOptions): RolloutView[] {
  const out: RolloutView[] = [];
  track.rollouts.forEach((r, i) => {
    const dataDone = lastOld[i];
    const { outcome, endAt } = judge(state, r, track.rollouts[i + 1], dataDone, now, options);
    const windowEnd = endAt ?? now;
    const view: RolloutView = {
      id: `${track.namespace}/${track.name}#${r.index}`,
      deployment: { uid: track.uid, name: track.name, namespace: track.namespace },
      record: r,
      outcome,
      startAt: r.startAt,
      windowEnd,
      gaps: state.gaps.filter((g) => g.to >= (r.startEarliest ?? r.startAt) && g.from <= windowEnd),
    };
    if (endAt !== undefined) view.endAt = endAt;
    if (dataDone !== undefined) view.dataPlaneDoneAt = dataDone;
    out.push(view);
  });
  return out;
}

export interface DeploymentRollouts {
  track: DeploymentTrack;
  pods: PodView[];
  runs: AttributedRun[];
  rollouts: RolloutView[];
}

/** Every Deployment with its pods, its probe runs and its rollouts, in a stable order. */
export function selectDeploymentRollouts(state: FoldState, options: SelectOptions = {}): DeploymentRollouts[] {
  const now = Math.max(options.now ?? state.now, state.now);
  const tracks = [...state.deployments.values()].sort((a, b) =>
    a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1,
  );
  return tracks.map((track) => {
    const pods = podsOfDeployment(state, track);
    const lastOld = new LastOldResponses(settleWindows(track, now));
    const runs = runsOfDeployment(state, pods, (a) => lastOld.add(a));
    return { track, pods, runs, rollouts: describe(state, track, lastOld.last, now, options) };
  });
}

export function selectRollouts(state: FoldState, options: SelectOptions = {}): RolloutView[] {
  return selectDeploymentRollouts(state, options).flatMap((d) => d.rollouts);
}
