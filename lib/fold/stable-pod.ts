import { endpointOfPod } from './apply-endpoint-slice';
import type { FoldState } from './fold-types';

/**
 * Since when the pod a probe result names has been steady: ready, never unready since, listed ready in
 * the EndpointSlices, not terminating and not gone. Infinity when it is not (or the name is ambiguous):
 * nothing about it can be merged away.
 */
export function stableSince(state: FoldState, podName: string): number {
  const uids = state.podUidsByShortName.get(podName);
  if (uids?.length !== 1) return Number.POSITIVE_INFINITY;
  const uid = uids[0] ?? '';
  const lane = state.pods.get(uid);
  if (!lane || lane.readyAt === undefined || lane.unreadyAt !== undefined || lane.deletionObservedAt !== undefined || lane.goneAt !== undefined) return Number.POSITIVE_INFINITY;
  const endpoint = endpointOfPod(state, lane);
  const ready = endpoint?.ready[endpoint.ready.length - 1];
  if (!endpoint || !ready || ready.to !== undefined || endpoint.terminatingFrom !== undefined || endpoint.leftAt !== undefined) return Number.POSITIVE_INFINITY;
  return Math.max(lane.readyAt, ready.from);
}
