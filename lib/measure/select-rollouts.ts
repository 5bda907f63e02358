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
}

function describe(state: FoldState, track: DeploymentTrack, lastOld: readonly (number | undefined)[], now: number): RolloutView[] {
  const out: RolloutView[] = [];
  track.rollouts.forEach((r, i) => {
    const next = track.rollouts[i + 1];
    const limit = next?.startAt ?? now;
    const dataDone = lastOld[i];
    const controlDone = r.controlCompleteAt !== undefined && r.controlCompleteAt <= limit ? r.controlCompleteAt : undefined;
    let outcome: RolloutOutcome;
    let endAt: number | undefined;
    if (controlDone !== undefined) {
      const end = Math.max(controlDone, dataDone ?? controlDone);
      if (next || now - end >= state.options.settleMs) {
        outcome = 'complete';
        endAt = end;
      } else outcome = 'in-progress';
    } else if (next?.isRollback && next.toHash !== undefined && next.toHash === r.fromHash) {
      outcome = 'rolled-back';
      endAt = next.startAt;
    } else if (r.deadlineExceededAt !== undefined) {
      outcome = 'failed';
      endAt = r.deadlineExceededAt;
    } else if (next) {
      outcome = 'superseded';
      endAt = next.startAt;
    } else outcome = 'in-progress';
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
    return { track, pods, runs, rollouts: describe(state, track, lastOld.last, now) };
  });
}

export function selectRollouts(state: FoldState, options: SelectOptions = {}): RolloutView[] {
  return selectDeploymentRollouts(state, options).flatMap((d) => d.rollouts);
}
