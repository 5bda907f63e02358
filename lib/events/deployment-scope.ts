import type { CutoverEvent } from './event-schema';

/**
 * Which events concern one Deployment, decided event by event in stream order (so a snapshot and the
 * increments after it are filtered alike): the Deployment itself, the ReplicaSets it controls, their
 * pods, and the EndpointSlices of the Services in front of those pods (a slice stays in scope once it
 * has listed one of them, so its later emptying is seen too). Probe batches, data-plane observations,
 * gaps and markers are node- or session-wide and always in scope.
 */
export class DeploymentScope {
  private readonly replicaSets = new Set<string>();
  private readonly pods = new Set<string>();
  /** Uids of pods once owned: a pod relabelled out of its ReplicaSet is released (no owner) but still ours. */
  private readonly podUids = new Set<string>();
  private readonly services = new Set<string>();

  constructor(
    readonly namespace: string,
    readonly deployment: string,
  ) {}

  /** Whether the event concerns the Deployment; remembers what it learns of ownership. */
  admit(event: CutoverEvent): boolean {
    if (event.type !== 'object') return true;
    const object = event.object;
    const meta = object.meta;
    if (meta.namespace !== this.namespace) return false;
    switch (object.kind) {
      case 'Deployment':
        return meta.name === this.deployment;
      case 'ReplicaSet': {
        const mine = meta.owner?.kind === 'Deployment' && meta.owner.name === this.deployment;
        if (mine) this.replicaSets.add(meta.uid);
        return mine;
      }
      case 'Pod': {
        const mine = (meta.owner?.kind === 'ReplicaSet' && this.replicaSets.has(meta.owner.uid)) || this.podUids.has(meta.uid);
        if (mine) {
          this.pods.add(meta.name);
          this.podUids.add(meta.uid);
        }
        return mine;
      }
      case 'EndpointSlice': {
        const service = object.serviceName ?? meta.name;
        if (this.services.has(service)) return true;
        const mine = object.endpoints.some((e) => e.podName !== undefined && this.pods.has(e.podName));
        if (mine) this.services.add(service);
        return mine;
      }
      default: {
        const unknown: never = object;
        return Boolean(unknown);
      }
    }
  }
}
