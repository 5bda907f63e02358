import type { SlimEndpointSlice } from '../kube/slim-endpoint-slice';
import type { EndpointTrack, FoldState, Interval, PodLane } from './fold-types';

function isOpen(intervals: Interval[]): boolean {
  const last = intervals[intervals.length - 1];
  return last !== undefined && last.to === undefined;
}

function setOpen(intervals: Interval[], open: boolean, at: number): boolean {
  const last = intervals[intervals.length - 1];
  if (open && (last === undefined || last.to !== undefined)) {
    intervals.push({ from: at });
    return true;
  }
  if (!open && last !== undefined && last.to === undefined) {
    last.to = at;
    return true;
  }
  return false;
}

/** Re-derives a pod's endpoint state from every slice that lists it (a pod can be in several). */
function recompute(track: EndpointTrack, at: number, earliest: number | undefined): void {
  let ready = false;
  let serving = false;
  let terminating = false;
  for (const c of track.bySlice.values()) {
    ready ||= c.ready;
    serving ||= c.serving;
    terminating ||= c.terminating;
  }
  const wasReady = isOpen(track.ready);
  if (setOpen(track.ready, ready, at) && earliest !== undefined) {
    if (wasReady) track.earliest.readyTo = earliest;
    else if (track.ready.length === 1) track.earliest.readyFrom = earliest;
  }
  setOpen(track.serving, serving, at);
  if (terminating && track.terminatingFrom === undefined) track.terminatingFrom = at;
  if (track.bySlice.size === 0) {
    if (track.leftAt === undefined) {
      track.leftAt = at;
      if (earliest !== undefined) track.earliest.leftAt = earliest;
    }
  } else if (track.leftAt !== undefined) {
    delete track.leftAt;
    delete track.earliest.leftAt;
  }
}

export function endpointKey(namespace: string, podName: string, podUid: string | undefined): string {
  return podUid ?? `${namespace}/${podName}`;
}

/** A pod's endpoint track: by its uid, or by name where the slices named no uid. */
export function endpointOfPod(state: FoldState, lane: Pick<PodLane, 'uid' | 'namespace' | 'name'>): EndpointTrack | undefined {
  return state.endpoints.get(lane.uid) ?? state.endpoints.get(endpointKey(lane.namespace, lane.name, undefined));
}

export function applyEndpointSlice(state: FoldState, slice: SlimEndpointSlice, deleted: boolean, at: number, earliest: number | undefined): void {
  const uid = slice.meta.uid;
  const namespace = slice.meta.namespace;
  const previous = state.slices.get(uid);
  const keys = new Set<string>();
  if (!deleted) {
    for (const e of slice.endpoints) {
      if (e.podName === undefined) continue;
      const key = endpointKey(namespace, e.podName, e.podUid);
      keys.add(key);
      let track = state.endpoints.get(key);
      if (!track) {
        track = { key, podName: e.podName, namespace, serviceNames: new Set(), addresses: new Set(), bySlice: new Map(), ready: [], serving: [], firstListedAt: at, earliest: {} };
        state.endpoints.set(key, track);
      }
      if (e.nodeName !== undefined) track.node = e.nodeName;
      if (slice.serviceName !== undefined) track.serviceNames.add(slice.serviceName);
      for (const address of e.addresses) track.addresses.add(address);
      track.bySlice.set(uid, { ready: e.ready, serving: e.serving, terminating: e.terminating });
      recompute(track, at, earliest);
    }
  }
  for (const key of previous?.keys ?? []) {
    if (keys.has(key)) continue;
    const track = state.endpoints.get(key);
    if (!track) continue;
    track.bySlice.delete(uid);
    recompute(track, at, earliest);
  }
  if (deleted) state.slices.delete(uid);
  else {
    const entry: { namespace: string; serviceName?: string; keys: Set<string> } = { namespace, keys };
    if (slice.serviceName !== undefined) entry.serviceName = slice.serviceName;
    state.slices.set(uid, entry);
  }
}
