import { isProgressDeadlineExceeded, type SlimDeployment } from '../kube/slim-deployment';
import type { SlimReplicaSet } from '../kube/slim-replica-set';
import type { DeploymentTrack, FoldState, ReplicaSetTrack, RolloutRecord } from './fold-types';

function deploymentTrack(state: FoldState, uid: string, name: string, namespace: string): DeploymentTrack {
  let track = state.deployments.get(uid);
  if (!track) {
    track = { uid, name, namespace, replicaSets: new Set(), rollouts: [] };
    state.deployments.set(uid, track);
  }
  return track;
}

function rsOfRevision(state: FoldState, track: DeploymentTrack, revision: number): ReplicaSetTrack | undefined {
  for (const uid of track.replicaSets) {
    const rs = state.replicaSets.get(uid);
    if (rs?.revision === revision) return rs;
  }
  return undefined;
}

function latestRollout(track: DeploymentTrack): RolloutRecord | undefined {
  return track.rollouts[track.rollouts.length - 1];
}

/**
 * `deadlineBefore`: the Deployment as last seen before this rollout already reported ProgressDeadlineExceeded.
 * The controller never rewrites an unchanged Progressing=False condition (same reason, same `lastUpdateTime`)
 * and an undo to an existing ReplicaSet does not reset it, so the undo's first Deployment updates still carry
 * the condition of the rollout it undoes.
 */
function startRollout(state: FoldState, track: DeploymentTrack, revision: number, at: number, earliest: number | undefined, beforeRecording: boolean, deadlineBefore: boolean): void {
  const previous = latestRollout(track);
  const fromRevision = previous?.toRevision ?? track.revision;
  const from = fromRevision !== undefined ? rsOfRevision(state, track, fromRevision) : undefined;
  const pending = track.pendingTemplateChangeAt;
  const rollout: RolloutRecord = {
    index: track.rollouts.length,
    deploymentUid: track.uid,
    startAt: pending !== undefined && pending < at ? pending : at,
    startedBeforeRecording: beforeRecording,
    toRevision: revision,
    isRollback: false,
    templateChangeSeen: pending !== undefined,
  };
  if (deadlineBefore) rollout.deadlineInherited = true;
  delete track.pendingTemplateChangeAt;
  if (earliest !== undefined && earliest < rollout.startAt) rollout.startEarliest = earliest;
  if (fromRevision !== undefined && fromRevision !== revision) rollout.fromRevision = fromRevision;
  const fromHash = previous?.toHash ?? from?.templateHash;
  if (fromHash !== undefined) rollout.fromHash = fromHash;
  if (track.current) rollout.settings = track.current;
  track.rollouts.push(rollout);
  track.revision = revision;
  const target = rsOfRevision(state, track, revision);
  if (target) attachTarget(rollout, target);
}

function attachTarget(rollout: RolloutRecord, rs: ReplicaSetTrack): void {
  if (rollout.toHash !== undefined || rs.templateHash === undefined) return;
  rollout.toHash = rs.templateHash;
  // The template's ReplicaSet existed before this rollout began: an undo or a revert to an older template.
  rollout.isRollback = rs.firstSeenAt < rollout.startAt;
}

/** A Deployment seen mid-rollout on first sight: the rollout began before Cutover was watching. */
function looksInProgress(d: SlimDeployment): boolean {
  const s = d.status;
  return s.updatedReplicas < d.replicas || s.replicas > s.updatedReplicas || s.availableReplicas < s.updatedReplicas;
}

export function applyDeployment(state: FoldState, d: SlimDeployment, deleted: boolean, at: number, earliest: number | undefined): DeploymentTrack {
  const track = deploymentTrack(state, d.meta.uid, d.meta.name, d.meta.namespace);
  if (deleted) {
    track.goneAt ??= at;
    track.current = d;
    return track;
  }
  const previous = track.current;
  const first = previous === undefined;
  track.current = d;
  track.firstSeenAt ??= at;
  if (first) {
    track.fingerprint = d.templateFingerprint;
    if (d.revision !== undefined && looksInProgress(d)) startRollout(state, track, d.revision, at, undefined, true, false);
    else if (d.revision !== undefined) track.revision = d.revision;
    // ReplicaSets seen before their Deployment: the newest decides the revision, without a rollout.
    for (const uid of track.replicaSets) {
      const rev = state.replicaSets.get(uid)?.revision;
      if (rev !== undefined && (track.revision === undefined || rev > track.revision)) track.revision = rev;
    }
  } else {
    if (d.templateFingerprint !== track.fingerprint) {
      track.fingerprint = d.templateFingerprint;
      const latest = latestRollout(track);
      // The ReplicaSet (other watch) may have arrived first: then this change belongs to that rollout.
      if (latest && !latest.templateChangeSeen && latest.toRevision === track.revision && d.revision === latest.toRevision) {
        latest.templateChangeSeen = true;
        if (at < latest.startAt) latest.startAt = at;
      } else {
        track.pendingTemplateChangeAt ??= at;
      }
    }
    if (d.revision !== undefined && (track.revision === undefined || d.revision > track.revision)) {
      startRollout(state, track, d.revision, at, earliest, false, previous !== undefined && isProgressDeadlineExceeded(previous));
    }
  }
  const latest = latestRollout(track);
  if (latest) noteProgressDeadline(latest, d, at);
  return track;
}

/**
 * A rollout fails when its Deployment reports ProgressDeadlineExceeded, unless that condition was already
 * there when the rollout began and has stayed since (it is an earlier rollout's: same reason, earlier
 * `lastUpdateTime`). Known limitation: the slim Deployment keeps no condition times, so "already there" is
 * what the fold saw; a condition that cleared and came back within a watch gap reads as inherited.
 */
function noteProgressDeadline(rollout: RolloutRecord, d: SlimDeployment, at: number): void {
  const exceeded = isProgressDeadlineExceeded(d);
  if (rollout.deadlineInherited) {
    if (exceeded) return;
    delete rollout.deadlineInherited;
  }
  if (exceeded && rollout.deadlineExceededAt === undefined) rollout.deadlineExceededAt = at;
}

export function applyReplicaSet(state: FoldState, rs: SlimReplicaSet, deleted: boolean, at: number, earliest: number | undefined): DeploymentTrack | undefined {
  let track = state.replicaSets.get(rs.meta.uid);
  if (!track) {
    track = { uid: rs.meta.uid, name: rs.meta.name, firstSeenAt: at, current: rs };
    state.replicaSets.set(track.uid, track);
  }
  track.current = rs;
  if (rs.templateHash !== undefined) track.templateHash = rs.templateHash;
  if (deleted) track.goneAt ??= at;
  const owner = rs.meta.owner;
  if (owner?.kind !== 'Deployment') return undefined;
  track.deploymentUid = owner.uid;
  const deployment = deploymentTrack(state, owner.uid, owner.name, rs.meta.namespace);
  deployment.replicaSets.add(track.uid);
  if (rs.revision !== undefined) track.revision = rs.revision;
  if (deleted || rs.revision === undefined || deployment.current === undefined) return deployment;

  if (deployment.revision === undefined || rs.revision > deployment.revision) {
    // A rollback bumps an existing ReplicaSet's revision: not new, but a new target all the same.
    startRollout(state, deployment, rs.revision, at, earliest, false, isProgressDeadlineExceeded(deployment.current));
  }
  const latest = latestRollout(deployment);
  if (latest && latest.toRevision === rs.revision) attachTarget(latest, track);
  return deployment;
}

/**
 * Control-plane completion of the latest rollout: the target ReplicaSet has all replicas available and
 * no pod of another revision is left. Re-evaluated after every change that can affect it.
 */
export function updateControlCompletion(state: FoldState, track: DeploymentTrack, at: number): void {
  const rollout = latestRollout(track);
  const d = track.current;
  if (!rollout || !d) return;
  let complete = false;
  if (rollout.toHash !== undefined) {
    complete = true;
    let target: ReplicaSetTrack | undefined;
    for (const uid of track.replicaSets) {
      const rs = state.replicaSets.get(uid);
      if (!rs) continue;
      if (rs.templateHash === rollout.toHash) target = rs;
      else if ((state.livePodsByRs.get(uid)?.size ?? 0) > 0) complete = false;
    }
    const desired = d.replicas;
    complete &&= target !== undefined && target.goneAt === undefined && target.current.replicas === desired && target.current.status.availableReplicas >= desired;
  }
  if (complete && rollout.controlCompleteAt === undefined) rollout.controlCompleteAt = at;
  else if (!complete && rollout.controlCompleteAt !== undefined) delete rollout.controlCompleteAt;
  if (rollout.controlCompleteAt === undefined && rollout.deadlineExceededAt === undefined) state.rollingDeployments.add(track.uid);
  else state.rollingDeployments.delete(track.uid);
}
