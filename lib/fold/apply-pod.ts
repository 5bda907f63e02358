import { isPodReady, isPodScheduled, isPodStarted, type SlimPod } from '../kube/slim-pod';
import type { FoldState, LaneField, PodLane } from './fold-types';

function ownerRsUid(pod: SlimPod): string | undefined {
  return pod.meta.owner?.kind === 'ReplicaSet' ? pod.meta.owner.uid : undefined;
}

function setOnce(lane: PodLane, field: LaneField, at: number, earliest: number | undefined): void {
  if (lane[field] !== undefined) return;
  lane[field] = at;
  if (earliest !== undefined && earliest < at) lane.earliest[field] = earliest;
}

function markGone(state: FoldState, lane: PodLane, at: number, earliest: number | undefined): void {
  setOnce(lane, 'goneAt', at, earliest);
  state.terminatingPods.delete(lane.uid);
  if (lane.rsUid !== undefined) state.livePodsByRs.get(lane.rsUid)?.delete(lane.uid);
  const key = `${lane.namespace}/${lane.name}`;
  if (state.podUidByName.get(key) === lane.uid) state.podUidByName.delete(key);
}

function newLane(state: FoldState, pod: SlimPod, at: number, earliest: number | undefined): PodLane {
  const lane: PodLane = {
    uid: pod.meta.uid,
    name: pod.meta.name,
    namespace: pod.meta.namespace,
    createdAt: at,
    // Already running when first seen: it was there before we looked, so `createdAt` is not its creation.
    preexisting: isPodStarted(pod) || isPodReady(pod),
    earliest: {},
    pod,
  };
  if (earliest !== undefined && earliest < at) lane.earliest.createdAt = earliest;
  state.pods.set(lane.uid, lane);
  const uids = state.podUidsByShortName.get(lane.name);
  if (uids) uids.push(lane.uid);
  else state.podUidsByShortName.set(lane.name, [lane.uid]);
  return lane;
}

/** Folds one Pod event into its lane; returns the ReplicaSet uid whose rollout state may have changed. */
export function applyPod(state: FoldState, pod: SlimPod, deleted: boolean, at: number, earliest: number | undefined): string | undefined {
  const key = `${pod.meta.namespace}/${pod.meta.name}`;
  const holder = state.podUidByName.get(key);
  if (holder !== undefined && holder !== pod.meta.uid) {
    // Same name, new uid: the old pod was deleted and recreated while we were not looking.
    const old = state.pods.get(holder);
    if (old) markGone(state, old, at, earliest);
  }
  const lane = state.pods.get(pod.meta.uid) ?? newLane(state, pod, at, earliest);
  lane.pod = pod;
  if (pod.templateHash !== undefined) lane.templateHash = pod.templateHash;
  if (pod.nodeName !== undefined) lane.node = pod.nodeName;
  const rsUid = ownerRsUid(pod);
  if (rsUid !== undefined) lane.rsUid = rsUid;

  if (isPodScheduled(pod)) setOnce(lane, 'scheduledAt', at, earliest);
  if (isPodStarted(pod)) setOnce(lane, 'startedAt', at, earliest);
  if (isPodReady(pod)) setOnce(lane, 'readyAt', at, earliest);
  else if (lane.readyAt !== undefined && lane.unreadyAt === undefined) lane.unreadyAt = at;
  if (pod.meta.deletionTimestamp !== undefined && lane.deletionObservedAt === undefined) {
    setOnce(lane, 'deletionObservedAt', at, earliest);
    // The first one: at the final delete the API moves it back to the request time with grace 0.
    lane.deletionTimestamp = pod.meta.deletionTimestamp;
    if (pod.meta.deletionGracePeriodSeconds !== undefined) lane.gracePeriodSeconds = pod.meta.deletionGracePeriodSeconds;
  }

  if (lane.deletionObservedAt !== undefined && lane.goneAt === undefined) state.terminatingPods.add(lane.uid);
  if (deleted) {
    markGone(state, lane, at, earliest);
  } else if (lane.goneAt === undefined) {
    state.podUidByName.set(key, lane.uid);
    if (rsUid !== undefined) {
      const live = state.livePodsByRs.get(rsUid);
      if (live) live.add(lane.uid);
      else state.livePodsByRs.set(rsUid, new Set([lane.uid]));
    }
  }
  return lane.rsUid;
}
