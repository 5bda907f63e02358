import type { CutoverEvent, ObjectEvent } from '../events/event-schema';
import { applyEndpointSlice } from './apply-endpoint-slice';
import { applyPod } from './apply-pod';
import { applyDataPlane, applyProbeBatch, closeNodeRuns } from './apply-probes';
import { applyDeployment, applyReplicaSet, updateControlCompletion } from './apply-workload';
import { createFoldState } from './fold-state';
import type { FoldState } from './fold-types';

function deploymentOfRs(state: FoldState, rsUid: string | undefined) {
  if (rsUid === undefined) return undefined;
  const uid = state.replicaSets.get(rsUid)?.deploymentUid;
  return uid === undefined ? undefined : state.deployments.get(uid);
}

function applyObject(state: FoldState, e: ObjectEvent): void {
  const deleted = e.action === 'deleted';
  // Seen only through a relist: it happened somewhere in the gap, not at `at`.
  const earliest = e.action === 'resynced' || e.resync === true ? state.lastKubeGap?.from : undefined;
  const object = e.object;
  switch (object.kind) {
    case 'Deployment': {
      const track = applyDeployment(state, object, deleted, e.at, earliest);
      updateControlCompletion(state, track, e.at);
      return;
    }
    case 'ReplicaSet': {
      const track = applyReplicaSet(state, object, deleted, e.at, earliest);
      if (track) updateControlCompletion(state, track, e.at);
      return;
    }
    case 'Pod': {
      const track = deploymentOfRs(state, applyPod(state, object, deleted, e.at, earliest));
      if (track) updateControlCompletion(state, track, e.at);
      return;
    }
    case 'EndpointSlice':
      applyEndpointSlice(state, object, deleted, e.at, earliest);
      return;
    default: {
      const unreachable: never = object;
      throw new Error(`unhandled kind ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * The reducer: folds one event into the state and returns it. Events must come in `seq` order; one whose
 * seq is not after the last folded is a repeat (a resumed stream) and is ignored.
 */
export function reduce(state: FoldState, e: CutoverEvent): FoldState {
  if (e.seq <= state.lastSeq) {
    state.duplicates++;
    return state;
  }
  state.lastSeq = e.seq;
  state.eventCount++;
  state.version++;
  if (e.at > state.now) state.now = e.at;
  state.startedAt ??= e.at;
  switch (e.type) {
    case 'object':
      state.lastObjectAt = e.at;
      state.objectEvents++;
      applyObject(state, e);
      break;
    case 'probes':
      applyProbeBatch(state, e);
      break;
    case 'dataplane':
      applyDataPlane(state, e);
      break;
    case 'gap': {
      const gap: FoldState['gaps'][number] = { source: e.source, reason: e.reason, from: e.from, to: e.at };
      if (e.node !== undefined) {
        gap.node = e.node;
        closeNodeRuns(state, e.node);
      }
      state.gaps.push(gap);
      if (e.reason !== 'agent-offline') state.lastKubeGap = gap;
      break;
    }
    case 'marker':
      state.markers.push({ seq: e.seq, at: e.at, label: e.label });
      break;
    default: {
      const unreachable: never = e;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
  return state;
}

/** Folds a batch of events; `foldEvents(b, foldEvents(a))` equals `foldEvents([...a, ...b])`. */
export function foldEvents(events: Iterable<CutoverEvent>, state: FoldState = createFoldState()): FoldState {
  for (const e of events) reduce(state, e);
  return state;
}
