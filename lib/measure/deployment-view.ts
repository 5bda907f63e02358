import type { DeploymentTrack, EndpointTrack, FoldState, PodLane, ProbeRunRecord } from '../fold/fold-types';
import { endpointOfPod } from '../fold/apply-endpoint-slice';
import { addressOf } from './node-rules';

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

/** Every address a pod had: its status' podIP and what the EndpointSlices listed for it. */
export function addressesOf(p: PodView): Set<string> {
  const out = new Set<string>(p.endpoint?.addresses ?? []);
  if (p.lane.pod.podIP !== undefined) out.add(p.lane.pod.podIP);
  return out;
}

interface AddressOwner {
  from: number;
  to: number;
  /** Undefined: a pod of another Deployment. */
  pod?: PodView;
}

/** Address → the pods that held it (this Deployment's, and any other pod's, so failures are not mis-attributed). */
function podsByAddress(state: FoldState, pods: readonly PodView[]): Map<string, AddressOwner[]> {
  const mine = new Map<string, PodView>();
  for (const p of pods) mine.set(p.lane.uid, p);
  const out = new Map<string, AddressOwner[]>();
  for (const lane of state.pods.values()) {
    const pod = mine.get(lane.uid);
    const view: PodView = pod ?? { lane };
    const endpoint = pod?.endpoint ?? endpointOfPod(state, lane);
    if (!pod && endpoint) view.endpoint = endpoint;
    for (const address of addressesOf(view)) {
      let list = out.get(address);
      if (!list) out.set(address, (list = []));
      const owner: AddressOwner = { from: lane.createdAt, to: lane.goneAt ?? Number.POSITIVE_INFINITY };
      if (pod) owner.pod = pod;
      list.push(owner);
    }
  }
  return out;
}

/** The pod that held an address at `t` (else the latest one created before `t`). */
function podAt(owners: readonly AddressOwner[] | undefined, t: number): AddressOwner | undefined {
  let best: AddressOwner | undefined;
  for (const o of owners ?? []) {
    if (o.from <= t && t <= o.to) return o;
    if (o.from <= t && (!best || o.from > best.from)) best = o;
  }
  return best ?? owners?.[0];
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
  const byAddress = podsByAddress(state, pods);
  const services = servicesOf(pods);
  const out: AttributedRun[] = [];
  for (const node of state.nodes.values()) {
    for (const run of node.runs) {
      let a: AttributedRun | undefined;
      if (run.pod !== null) {
        const pod = byName.get(run.pod);
        if (pod) a = { run, pod };
      } else if (run.outcome !== 'served') {
        const owner = run.endpoint != null ? podAt(byAddress.get(addressOf(run.endpoint)), run.first) : undefined;
        // A failure sent to another Deployment's pod is that Deployment's; one to an address no pod had
        // falls back to the probed Service, as a failure without a target does.
        if (owner?.pod) a = { run, pod: owner.pod };
        else if (!owner && (!isServiceRef(run.target) || services.has(run.target))) a = { run };
      }
      if (a) {
        out.push(a);
        visit?.(a);
      }
    }
  }
  return out;
}
