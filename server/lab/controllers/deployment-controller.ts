import { type Deployment, type DeploymentStatus, type Pod, type ReplicaSet, controllerOf, isPodTerminal, kubeTime, omitZero } from '../api/kube-types';
import type { ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import type { LabClock } from '../lab-clock';
import { ControllerLoop } from './controller-loop';
import { availableCondition, madeProgress, progressingCondition, setCondition } from './deployment-conditions';
import { newRsReplicas, resolveFenceposts, scaleDownOld, templateHash } from './rolling-update';

const DEPLOYMENTS = resourceForKind('Deployment');
const REPLICA_SETS = resourceForKind('ReplicaSet');
const PODS = resourceForKind('Pod');
export const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

const revisionOf = (rs: ReplicaSet) => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
const created = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp);

/**
 * The Deployment controller: one ReplicaSet per pod template (named by its pod-template-hash), revision
 * annotations (an old template coming back takes the next revision: `rollout undo`), RollingUpdate
 * within maxSurge / maxUnavailable, Recreate that waits until every old pod is gone, status counters
 * with zeros omitted, and the Available / Progressing conditions with the progress deadline.
 */
export class DeploymentController {
  private readonly loop: ControllerLoop;
  /** Real ms of each rollout's last progress, for progressDeadlineSeconds at sub-second precision. */
  private readonly lastProgress = new Map<string, number>();
  private readonly deadlineTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: LabClock,
  ) {
    this.loop = new ControllerLoop(store, (c) => c.resource === 'apps/deployments' || c.resource === 'apps/replicasets' || c.resource === 'pods', () => this.syncAll());
  }

  stop(): void {
    this.loop.stop();
    for (const timer of this.deadlineTimers.values()) this.clock.clearTimeout(timer);
  }

  private syncAll(): void {
    for (const d of this.store.list(DEPLOYMENTS, { selector: [] }).items as Deployment[]) {
      if (d.metadata.deletionTimestamp === undefined) this.sync(d);
    }
  }

  private sync(d: Deployment): void {
    const namespace = d.metadata.namespace;
    const ns = namespace !== undefined ? { namespace } : {};
    const all = (this.store.list(REPLICA_SETS, { selector: [], ...ns }).items as ReplicaSet[]).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const hash = templateHash(d.spec.template);
    let newRs = all.find((rs) => rs.metadata.labels?.[HASH] === hash);
    const olds = all.filter((rs) => rs !== newRs).sort((a, b) => created(a) - created(b));
    const maxOldRevision = Math.max(0, ...olds.map(revisionOf));
    const desired = d.spec.replicas ?? 1;
    const rolling = d.spec.strategy?.type !== 'Recreate';
    const { surge, unavailable } = rolling ? resolveFenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, desired) : { surge: 0, unavailable: 0 };
    let createdNow = false;
    const oldReplicasBefore = olds.reduce((s, rs) => s + (rs.status?.replicas ?? 0), 0);

    if (!newRs) {
      const start = rolling ? newRsReplicas(desired, surge, olds.map(state), { name: '', replicas: 0, available: 0, createdAt: 0 }) : olds.some((rs) => (rs.spec.replicas ?? 0) > 0) ? 0 : desired;
      newRs = this.createReplicaSet(d, hash, maxOldRevision + 1, rolling ? start : 0);
      createdNow = true;
    } else if (revisionOf(newRs) <= maxOldRevision || (newRs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
      // An older template is current again (rollout undo): it becomes the newest revision.
      newRs = this.store.update(REPLICA_SETS, {
        ...newRs,
        metadata: { ...newRs.metadata, annotations: { ...newRs.metadata.annotations, [REVISION]: String(Math.max(revisionOf(newRs), maxOldRevision + 1)) } },
        spec: { ...newRs.spec, minReadySeconds: d.spec.minReadySeconds ?? 0 },
      }) as ReplicaSet;
    }

    if (!d.spec.paused) {
      if (rolling) this.rollingUpdate(desired, surge, unavailable, newRs, olds);
      else this.recreate(desired, newRs, olds);
    }
    this.cleanupHistory(d, olds);
    this.syncStatus(d, newRs, olds, unavailable, createdNow, oldReplicasBefore);
  }

  private rollingUpdate(desired: number, surge: number, unavailable: number, newRs: ReplicaSet, olds: ReplicaSet[]): void {
    const target = newRsReplicas(desired, surge, [...olds, newRs].map(state), state(newRs));
    if (target !== (newRs.spec.replicas ?? 0)) this.scale(newRs, target);
    const next = scaleDownOld(desired, unavailable, { ...state(newRs), replicas: target }, olds.map(state));
    for (const rs of olds) {
      const want = next.get(rs.metadata.name) ?? 0;
      if (want !== (rs.spec.replicas ?? 0)) this.scale(rs, want);
    }
  }

  private recreate(desired: number, newRs: ReplicaSet, olds: ReplicaSet[]): void {
    for (const rs of olds) if ((rs.spec.replicas ?? 0) > 0) this.scale(rs, 0);
    const oldUids = new Set(olds.map((rs) => rs.metadata.uid));
    const ns = newRs.metadata.namespace !== undefined ? { namespace: newRs.metadata.namespace } : {};
    // Terminating pods still count: Recreate starts nothing while any old pod may still serve.
    const oldPodsLeft = (this.store.list(PODS, { selector: [], ...ns }).items as Pod[]).some((p) => oldUids.has(controllerOf(p)?.uid ?? '') && !isPodTerminal(p));
    if (!oldPodsLeft && (newRs.spec.replicas ?? 0) !== desired) this.scale(newRs, desired);
  }

  private scale(rs: ReplicaSet, replicas: number): void {
    const fresh = this.store.get(REPLICA_SETS, rs.metadata.namespace, rs.metadata.name) as ReplicaSet;
    fresh.spec.replicas = replicas;
    fresh.metadata.annotations = { ...fresh.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': fresh.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'] ?? String(replicas) };
    Object.assign(rs, this.store.update(REPLICA_SETS, fresh));
  }

  private createReplicaSet(d: Deployment, hash: string, revision: number, replicas: number): ReplicaSet {
    const labels = { ...d.spec.template.metadata?.labels, [HASH]: hash };
    const desired = d.spec.replicas ?? 1;
    const { surge } = d.spec.strategy?.type !== 'Recreate' ? resolveFenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, desired) : { surge: 0 };
    return this.store.create(REPLICA_SETS, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        ...(d.metadata.namespace !== undefined ? { namespace: d.metadata.namespace } : {}),
        labels,
        annotations: { 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + surge), [REVISION]: String(revision) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { matchLabels: { ...d.spec.selector.matchLabels, [HASH]: hash } },
        template: { metadata: { ...d.spec.template.metadata, labels }, spec: structuredClone(d.spec.template.spec) },
      },
      status: { replicas: 0 },
    }) as ReplicaSet;
  }

  /** revisionHistoryLimit: old ReplicaSets scaled to zero beyond the limit are deleted, oldest first. */
  private cleanupHistory(d: Deployment, olds: ReplicaSet[]): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = olds.filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) this.store.remove(REPLICA_SETS, rs.metadata.namespace, rs.metadata.name);
  }

  private syncStatus(d: Deployment, newRs: ReplicaSet, olds: ReplicaSet[], maxUnavailable: number, createdNow: boolean, oldReplicasBefore: number): void {
    const all = [newRs, ...olds];
    const sum = (f: (rs: ReplicaSet) => number) => all.reduce((s, rs) => s + f(rs), 0);
    const desired = d.spec.replicas ?? 1;
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const counters: DeploymentStatus = omitZero({
      replicas: sum((rs) => rs.status?.replicas ?? 0),
      updatedReplicas: newRs.status?.replicas ?? 0,
      readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, sum((rs) => rs.spec.replicas ?? 0) - available),
    });
    const now = this.clock.now();
    const time = kubeTime(now);
    let conditions = d.status?.conditions ?? [];
    conditions = setCondition(conditions, availableCondition(available >= desired - maxUnavailable, time));
    const key = d.metadata.uid;
    const rsName = newRs.metadata.name;
    const complete = (counters.updatedReplicas ?? 0) === desired && (counters.replicas ?? 0) === desired && available === desired && olds.every((rs) => (rs.status?.replicas ?? 0) === 0);
    const progressed = madeProgress(d.status, counters, oldReplicasBefore, olds.reduce((s, rs) => s + (rs.status?.replicas ?? 0), 0));
    if (createdNow) {
      conditions = setCondition(conditions, progressingCondition('NewReplicaSetCreated', rsName, time));
      this.lastProgress.set(key, now);
    } else if (complete) {
      conditions = setCondition(conditions, progressingCondition('NewReplicaSetAvailable', rsName, time), true);
      this.lastProgress.delete(key);
    } else if (progressed || (d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
      conditions = setCondition(conditions, progressingCondition('ReplicaSetUpdated', rsName, time), true);
      this.lastProgress.set(key, now);
    } else if (d.spec.progressDeadlineSeconds !== undefined) {
      const since = this.lastProgress.get(key) ?? now;
      if (!this.lastProgress.has(key)) this.lastProgress.set(key, now);
      const deadline = since + this.clock.real(d.spec.progressDeadlineSeconds * 1000);
      if (now >= deadline) conditions = setCondition(conditions, progressingCondition('ProgressDeadlineExceeded', rsName, time));
    }
    this.armDeadline(d, complete);

    const status: DeploymentStatus = { ...(d.metadata.generation !== undefined ? { observedGeneration: d.metadata.generation } : {}), ...counters, conditions };
    const revision = newRs.metadata.annotations?.[REVISION];
    const sameAnnotations = d.metadata.annotations?.[REVISION] === revision;
    if (sameAnnotations && JSON.stringify(status) === JSON.stringify(d.status)) return;
    this.store.update(
      DEPLOYMENTS,
      { ...d, metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, ...(revision !== undefined ? { [REVISION]: revision } : {}) } }, status },
      { expectResourceVersion: d.metadata.resourceVersion },
    );
  }

  /** Wakes the controller when an unfinished rollout's progress deadline passes. */
  private armDeadline(d: Deployment, complete: boolean): void {
    const key = d.metadata.uid;
    const existing = this.deadlineTimers.get(key);
    if (existing) this.clock.clearTimeout(existing);
    this.deadlineTimers.delete(key);
    const since = this.lastProgress.get(key);
    if (complete || since === undefined || d.spec.progressDeadlineSeconds === undefined) return;
    const dueReal = since + this.clock.real(d.spec.progressDeadlineSeconds * 1000) - this.clock.now();
    if (dueReal < 0) return;
    this.deadlineTimers.set(key, this.clock.setTimeout(() => this.loop.trigger(), this.clock.scenario(dueReal + 5)));
  }
}

function state(rs: ReplicaSet) {
  return { name: rs.metadata.name, replicas: rs.spec.replicas ?? 0, available: rs.status?.availableReplicas ?? 0, createdAt: created(rs) };
}
