import type { DeploymentTrack, EndpointTrack, FoldState, PodLane, ProbeRunRecord } from '../fold/fold-types';
import { endpointOfPod } from '../fold/apply-endpoint-slice';

/** A pod of a Deployment with what the EndpointSlices said about it. */
export interface PodView {
  lane: PodLane;
  endpoint?: EndpointTrack;
}

export function podsOfDeployment(state: FoldState, track: DeploymentTrack): PodView[] {
  const out: PodView[] = [];
  for (const lane of state.pods.values()) {
    if (lane.rsUid === undefined || !track.replicaSets.has(lane.rsUid)) continue;
    const endpoint = endpointOfPod(state, lane);
    out.push(endpoint ? { lane, endpoint } : { lane });
  }
  return out.sort((a, b) => a.lane.createdAt - b.lane.createdAt || (a.lane.name < b.lane.name ? -1 : 1));
}

/** `namespace/service` of every Service whose slices list a pod of the Deployment. */
export function servicesOf(pods: readonly PodView[]): Set<string> {
  const out = new Set<string>();
  for (const p of pods) for (const s of p.endpoint?.serviceNames ?? []) out.add(`${p.lane.namespace}/${s}`);
  return out;
}

export interface AttributedRun {
  run: ProbeRunRecord;
  /** The pod the run names, resolved to this Deployment's lane; undefined for failures with no pod. */
  pod?: PodView;
}

/**
 * A target that names a Service (`namespace/name`). Agents probing a URL (a Service's address, a node's
 * proxy) send that URL, which names no Service and so cannot tell Deployments apart.
 */
function isServiceRef(target: string | undefined): target is string {
  return target !== undefined && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(target);
}

/**
 * Runs that belong to a Deployment: those naming one of its pods, and failures naming no pod whose
 * probed Service fronts it (or, with no Service named, failures on any node: nothing says otherwise).
 * `visit` sees each as it is found, so a caller can gather what it needs in the same walk.
 */
export function runsOfDeployment(state: FoldState, pods: readonly PodView[], visit?: (a: AttributedRun) => void): AttributedRun[] {
  const byName = new Map<string, PodView>();
  for (const p of pods) byName.set(p.lane.name, p);
  const services = servicesOf(pods);
  const out: AttributedRun[] = [];
  for (const node of state.nodes.values()) {
    for (const run of node.runs) {
      let a: AttributedRun | undefined;
      if (run.pod !== null) {
        const pod = byName.get(run.pod);
        if (pod) a = { run, pod };
      } else if (run.outcome !== 'served' && (!isServiceRef(run.target) || services.has(run.target))) {
        a = { run };
      }
      if (a) {
        out.push(a);
        visit?.(a);
      }
    }
  }
  return out;
}
