import { type Pod, isPodReady, isPodTerminal, kubeTime, podCondition } from '../api/kube-types';
import { matchesLabels, selectorFromMatchLabels } from '../api/label-selector';
import type { KubeObject, ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import { ControllerLoop } from './controller-loop';

const PODS = resourceForKind('Pod');
const SERVICES = resourceForKind('Service');
const SLICES = resourceForKind('EndpointSlice');
const NODES = resourceForKind('Node');
export const TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
  nodeName?: string;
  zone?: string;
}

interface ServiceShape {
  spec?: { selector?: Record<string, string>; ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string }> };
}

/**
 * One EndpointSlice per Service, kept as the real EndpointSlice controller keeps it (verified against
 * the recorded v1.28 streams): a pod appears as ready/serving/terminating false/false/false once it has
 * an IP, true/true/false when Ready, false/<ready>/true once it has a deletionTimestamp, and leaves
 * the slice when its phase is terminal or it is gone. Existing endpoints keep their place, new ones are
 * appended. `last-change-trigger-time` carries the latest readiness/creation change that caused the
 * update and is dropped when the update comes from a termination. generation counts every change.
 */
export class EndpointSliceController {
  private readonly loop: ControllerLoop;

  constructor(private readonly store: ObjectStore) {
    this.loop = new ControllerLoop(store, (c) => c.resource === 'pods' || c.resource === 'services', () => this.syncAll());
  }

  stop(): void {
    this.loop.stop();
  }

  syncAll(): void {
    for (const service of this.store.list(SERVICES, { selector: [] }).items) this.syncService(service);
  }

  private syncService(service: KubeObject): void {
    const spec = (service as ServiceShape).spec;
    if (!spec?.selector) return;
    const selector = selectorFromMatchLabels(spec.selector);
    const namespace = service.metadata.namespace ?? 'default';
    const pods = (this.store.list(PODS, { selector: [], namespace }).items as Pod[]).filter(
      (pod) => matchesLabels(selector, pod.metadata.labels) && pod.status?.podIP && !isPodTerminal(pod),
    );
    const name = service.metadata.name;
    const existing = this.store.list(SLICES, { selector: [{ key: 'kubernetes.io/service-name', op: 'in', values: [name] }], namespace }).items[0];
    const previous = ((existing?.endpoints as SliceEndpoint[] | null | undefined) ?? []).filter((e) => pods.some((p) => p.metadata.uid === e.targetRef.uid));
    const byUid = new Map(pods.map((p) => [p.metadata.uid, this.endpointFor(p, namespace)]));
    // Keep the order of endpoints already listed, append new ones in pod creation order.
    const ordered = [
      ...previous.map((e) => e.targetRef.uid),
      ...pods
        .filter((p) => !previous.some((e) => e.targetRef.uid === p.metadata.uid))
        .sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp))
        .map((p) => p.metadata.uid),
    ];
    const endpoints = ordered.map((uid) => byUid.get(uid)).filter((e): e is SliceEndpoint => e !== undefined);
    const ports = (spec.ports ?? []).map((port) => ({ name: port.name ?? '', protocol: port.protocol ?? 'TCP', port: targetPort(port.targetPort ?? port.port, pods) }));
    const trigger = triggerTime(pods, previous, endpoints);
    const labels = { ...service.metadata.labels, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': name };

    if (!existing) {
      this.store.create(SLICES, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: `${name}-`,
          namespace,
          generation: 1,
          labels,
          ...(trigger ? { annotations: { [TRIGGER_TIME]: trigger } } : {}),
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        endpoints,
        ports,
      });
      return;
    }
    if (JSON.stringify(existing.endpoints) === JSON.stringify(endpoints) && JSON.stringify(existing.ports) === JSON.stringify(ports)) return;
    const { [TRIGGER_TIME]: _old, ...otherAnnotations } = existing.metadata.annotations ?? {};
    const annotations = trigger ? { ...otherAnnotations, [TRIGGER_TIME]: trigger } : otherAnnotations;
    const metadata = { ...existing.metadata, labels };
    if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
    this.store.update(SLICES, { ...existing, metadata, endpoints, ports }, { bumpGeneration: true, expectResourceVersion: existing.metadata.resourceVersion });
  }

  private endpointFor(pod: Pod, namespace: string): SliceEndpoint {
    const ready = isPodReady(pod);
    const terminating = pod.metadata.deletionTimestamp !== undefined;
    const nodeName = pod.spec.nodeName;
    const zone = nodeName ? this.store.tryGet(NODES, undefined, nodeName)?.metadata.labels?.['topology.kubernetes.io/zone'] : undefined;
    return {
      addresses: [pod.status?.podIP ?? ''],
      conditions: { ready: ready && !terminating, serving: ready, terminating },
      targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      ...(nodeName ? { nodeName } : {}),
      ...(zone ? { zone } : {}),
    };
  }
}

/** A named targetPort resolves against the pods' container ports, as the real controller does. */
function targetPort(target: number | string, pods: readonly Pod[]): number {
  if (typeof target === 'number') return target;
  for (const pod of pods) {
    for (const container of pod.spec.containers) {
      const found = container.ports?.find((p) => p.name === target);
      if (found) return found.containerPort;
    }
  }
  return Number(target) || 0;
}

/**
 * The trigger time of an update: the newest readiness transition (or creation) among endpoints that
 * appeared or changed for a reason other than termination; undefined when only terminations changed.
 */
export function triggerTime(pods: readonly Pod[], previous: readonly SliceEndpoint[], next: readonly SliceEndpoint[]): string | undefined {
  let latest: number | undefined;
  for (const endpoint of next) {
    const before = previous.find((e) => e.targetRef.uid === endpoint.targetRef.uid);
    if (endpoint.conditions.terminating) continue;
    if (before && JSON.stringify(before) === JSON.stringify(endpoint)) continue;
    const pod = pods.find((p) => p.metadata.uid === endpoint.targetRef.uid);
    if (!pod) continue;
    const at = Date.parse(podCondition(pod, 'Ready')?.lastTransitionTime ?? pod.metadata.creationTimestamp);
    latest = latest === undefined ? at : Math.max(latest, at);
  }
  return latest === undefined ? undefined : kubeTime(latest);
}
