import { type Pod, isPodTerminal } from '../api/kube-types';
import type { ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import { ControllerLoop } from '../controllers/controller-loop';
import type { LabClock } from '../lab-clock';
import { type PodLifecycleListener, PodWorker } from './pod-worker';
import type { PodRuntime } from './pod-runtime';

const PODS = resourceForKind('Pod');

export interface KubeletOptions {
  nodeName: string;
  store: ObjectStore;
  clock: LabClock;
  runtime: PodRuntime;
  onLifecycle?: PodLifecycleListener;
  onError?: (error: unknown) => void;
}

/**
 * The kubelet of one lab node: starts a worker for each pod bound to the node, tells it to shut down
 * when the pod gets a deletionTimestamp, and kills it if the pod vanishes without one.
 */
export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly loop: ControllerLoop;

  constructor(private readonly options: KubeletOptions) {
    this.loop = new ControllerLoop(options.store, (c) => c.resource === 'pods', () => this.sync());
  }

  get nodeName(): string {
    return this.options.nodeName;
  }

  private sync(): void {
    const { store, nodeName } = this.options;
    const pods = (store.list(PODS, { selector: [] }).items as Pod[]).filter((p) => p.spec.nodeName === nodeName);
    const present = new Set<string>();
    for (const pod of pods) {
      const uid = pod.metadata.uid;
      present.add(uid);
      let worker = this.workers.get(uid);
      if (!worker) {
        if (isPodTerminal(pod)) continue;
        worker = this.createWorker(pod);
        this.workers.set(uid, worker);
        const started = worker.start().catch((error: unknown) => this.fail(error));
        if (pod.metadata.deletionTimestamp !== undefined) {
          const grace = pod.metadata.deletionGracePeriodSeconds ?? 30;
          const w = worker;
          void started.then(() => w.terminate(grace)).catch((error: unknown) => this.fail(error));
        }
        continue;
      }
      if (pod.metadata.deletionTimestamp !== undefined) {
        void worker.terminate(pod.metadata.deletionGracePeriodSeconds ?? 30).catch((error: unknown) => this.fail(error));
      }
    }
    for (const [uid, worker] of this.workers) {
      if (present.has(uid)) continue;
      this.workers.delete(uid);
      void worker.kill().catch((error: unknown) => this.fail(error));
    }
  }

  private createWorker(pod: Pod): PodWorker {
    const { store, clock, runtime, onLifecycle, nodeName } = this.options;
    const identity = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid: pod.metadata.uid, node: nodeName };
    return new PodWorker(pod, store, clock, runtime, (event) => onLifecycle?.(identity, event, clock.now()), (error) => this.fail(error));
  }

  private fail(error: unknown): void {
    (this.options.onError ?? ((e: unknown) => console.error(`kubelet ${this.options.nodeName}:`, e)))(error);
  }

  /** Stops every pod at once (the lab is shutting down). */
  async stop(): Promise<void> {
    this.loop.stop();
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((w) => w.kill()));
  }
}
