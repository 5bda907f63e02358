import type { PodServerHandle } from '../data-plane/pod-server';
import { type Condition, type ContainerStatus, type Pod, type PodStatus, kubeTime } from '../api/kube-types';
import type { ObjectStore } from '../api/object-store';
import { resourceForKind } from '../api/resource-registry';
import { finalizePodDeletion } from '../cluster/pod-deletion';
import type { LabClock } from '../lab-clock';
import { httpProbe } from './http-probe';
import { type PodRuntime, appConfig, preStopSleepSeconds } from './pod-runtime';

const PODS = resourceForKind('Pod');

/** What happened to a pod's container, when (real ms): the lab's ground truth for the control plane. */
export type PodLifecycleEvent =
  | { type: 'started'; host: string; port: number }
  | { type: 'ready' | 'not-ready' | 'prestop-started' | 'sigterm' | 'removed' }
  | { type: 'exited'; killed: boolean };

export type PodLifecycleListener = (pod: { namespace: string; name: string; uid: string; node: string }, event: PodLifecycleEvent, at: number) => void;

interface ProbeState {
  ready: boolean;
  successes: number;
  failures: number;
}

/**
 * One pod on one node, run as the kubelet runs it: status Pending → start the container (a real HTTP
 * server on the pod's own loopback address) → Running with podIP → readiness probe (initial delay,
 * period, success/failure thresholds; no probe means ready at start) → on deletion: preStop, SIGTERM,
 * wait for exit until the grace period ends, kill, terminal status, then the final grace-0 delete.
 */
export class PodWorker {
  private handle: PodServerHandle | undefined;
  private address: string | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly probe: ProbeState = { ready: false, successes: 0, failures: 0 };
  private terminating = false;
  private exited = false;
  private startedAt = 0;
  private stopped = false;

  constructor(
    private readonly pod: Pod,
    private readonly store: ObjectStore,
    private readonly clock: LabClock,
    private readonly runtime: PodRuntime,
    private readonly emit: (event: PodLifecycleEvent) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  private get container() {
    return this.pod.spec.containers[0];
  }

  async start(): Promise<void> {
    const now = kubeTime(this.clock.now());
    this.writeStatus((s) => ({
      ...s,
      phase: 'Pending',
      conditions: mergeConditions(s.conditions, [
        cond('Initialized', 'True', now),
        cond('Ready', 'False', now, 'ContainersNotReady', `containers with unready status: [${this.container?.name ?? 'app'}]`),
        cond('ContainersReady', 'False', now, 'ContainersNotReady', `containers with unready status: [${this.container?.name ?? 'app'}]`),
      ]),
      hostIP: '127.0.0.1',
      startTime: now,
      containerStatuses: [this.containerStatus({ waiting: { reason: 'ContainerCreating' } }, false)],
    }));
    const config = appConfig(this.container);
    this.handle = await this.startContainer(config);
    if (this.stopped) {
      await this.handle.kill();
      return;
    }
    this.startedAt = this.clock.now();
    void this.handle.exited.then(() => {
      this.exited = true;
    });
    this.emit({ type: 'started', host: this.handle.host, port: this.handle.port });
    const started = kubeTime(this.startedAt);
    const probe = this.container?.readinessProbe;
    const readyNow = !probe;
    this.writeStatus((s) => ({
      ...s,
      phase: 'Running',
      podIP: this.handle?.host ?? '',
      podIPs: [{ ip: this.handle?.host ?? '' }],
      containerStatuses: [this.containerStatus({ running: { startedAt: started } }, readyNow)],
    }));
    if (readyNow) this.setReady(true);
    else if (probe) this.probeTimer = this.clock.setTimeout(() => void this.runProbe(), (probe.initialDelaySeconds ?? 0) * 1000);
  }

  /**
   * Starts the pod's server on a fresh address. Another process (a second lab, a parallel test file)
   * may hold the same loopback address: such an address stays reserved and the next one is tried.
   */
  private async startContainer(config: ReturnType<typeof appConfig>): Promise<PodServerHandle> {
    for (let attempt = 0; ; attempt++) {
      this.address = this.runtime.allocateAddress();
      try {
        return await this.runtime.start({
          podName: this.pod.metadata.name,
          namespace: this.pod.metadata.namespace ?? 'default',
          revision: config.revision,
          nodeName: this.pod.spec.nodeName ?? '',
          host: this.address,
          shutdown: config.shutdown,
          readyAfterMs: this.clock.real(config.startupMs),
          neverReady: config.neverReady,
          slowMs: this.clock.real(config.slowMs),
        });
      } catch (error) {
        const inUse = error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (!inUse || attempt >= 20) throw error;
      }
    }
  }

  private async runProbe(): Promise<void> {
    const probe = this.container?.readinessProbe;
    const handle = this.handle;
    if (!probe || !handle || this.stopped || this.exited) return;
    const path = probe.httpGet?.path ?? '/healthz';
    const ok = await httpProbe(`http://${handle.host}:${handle.port}${path}`, this.clock.real((probe.timeoutSeconds ?? 1) * 1000));
    if (this.stopped || this.exited) return;
    if (ok) {
      this.probe.successes++;
      this.probe.failures = 0;
      if (!this.probe.ready && this.probe.successes >= (probe.successThreshold ?? 1)) this.setReady(true);
    } else {
      this.probe.failures++;
      this.probe.successes = 0;
      if (this.probe.ready && this.probe.failures >= (probe.failureThreshold ?? 3)) this.setReady(false);
    }
    this.probeTimer = this.clock.setTimeout(() => void this.runProbe(), (probe.periodSeconds ?? 10) * 1000);
  }

  private setReady(ready: boolean): void {
    this.probe.ready = ready;
    const now = kubeTime(this.clock.now());
    const name = this.container?.name ?? 'app';
    const reason = ready ? undefined : 'ContainersNotReady';
    const message = ready ? undefined : `containers with unready status: [${name}]`;
    this.writeStatus((s) => ({
      ...s,
      conditions: mergeConditions(s.conditions, [cond('Ready', ready ? 'True' : 'False', now, reason, message), cond('ContainersReady', ready ? 'True' : 'False', now, reason, message)]),
      containerStatuses: (s.containerStatuses ?? []).map((c) => ({ ...c, ready })),
    }));
    this.emit({ type: ready ? 'ready' : 'not-ready' });
  }

  /** Runs the shutdown once the pod has a deletionTimestamp. */
  async terminate(gracePeriodSeconds: number): Promise<void> {
    if (this.terminating) return;
    this.terminating = true;
    const begun = this.clock.now();
    const graceMs = gracePeriodSeconds * 1000;
    const preStop = Math.min(preStopSleepSeconds(this.container) * 1000, graceMs);
    if (preStop > 0 && this.handle) {
      this.emit({ type: 'prestop-started' });
      await this.clock.sleep(preStop);
    }
    let killed = false;
    const handle = this.handle;
    if (handle && !this.stopped) {
      handle.sigterm();
      this.emit({ type: 'sigterm' });
      // The kubelet gives at least 2 s after a preStop that used up the grace period, like the real one.
      const usedMs = this.clock.scenario(this.clock.now() - begun);
      const leftMs = Math.max(graceMs - usedMs, preStop >= graceMs && graceMs > 0 ? 2000 : 0);
      const exitedInTime = await Promise.race([handle.exited.then(() => true), this.clock.sleep(leftMs).then(() => false)]);
      if (!exitedInTime) {
        killed = true;
        await handle.kill();
      }
      this.exited = true;
      this.emit({ type: 'exited', killed });
    }
    this.stopProbing();
    const finished = kubeTime(this.clock.now());
    const started = kubeTime(this.startedAt || this.clock.now());
    this.writeStatus((s) => ({
      ...s,
      phase: killed ? 'Failed' : 'Succeeded',
      conditions: mergeConditions(s.conditions, [cond('Ready', 'False', finished, 'PodCompleted'), cond('ContainersReady', 'False', finished, 'PodCompleted')]),
      containerStatuses: [
        {
          ...this.containerStatus({ terminated: { exitCode: killed ? 137 : 0, reason: killed ? 'Error' : 'Completed', startedAt: started, finishedAt: finished } }, false),
          started: false,
        },
      ],
    }));
    this.release();
    // The status manager deletes the pod on its next sync (~300 ms in the recorded cluster), so the
    // EndpointSlice drops the terminal pod before the pod's DELETED, as in the real streams.
    await this.clock.sleep(300);
    if (!this.stopped) finalizePodDeletion(this.store, this.clock, this.pod.metadata.namespace, this.pod.metadata.name);
    this.emit({ type: 'removed' });
  }

  /** The pod vanished without a graceful shutdown (force delete) or the lab stops: kill at once. */
  async kill(): Promise<void> {
    this.stopped = true;
    this.stopProbing();
    const handle = this.handle;
    if (handle && !this.exited) {
      this.exited = true;
      await handle.kill();
    }
    this.release();
  }

  private release(): void {
    if (this.address) this.runtime.releaseAddress(this.address);
    this.address = undefined;
  }

  private stopProbing(): void {
    if (this.probeTimer) this.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private containerStatus(state: ContainerStatus['state'], ready: boolean): ContainerStatus {
    const image = this.container?.image ?? '';
    return {
      name: this.container?.name ?? 'app',
      state,
      lastState: {},
      ready,
      restartCount: 0,
      image,
      imageID: `${image.split(':')[0] ?? image}@sha256:${'0'.repeat(64)}`,
      ...(state.waiting ? {} : { containerID: `lab://${this.pod.metadata.uid}` }),
      started: state.running !== undefined,
    };
  }

  /** The kubelet owns pod status: read the latest pod, change only status, write it back. */
  private writeStatus(change: (status: PodStatus) => PodStatus): void {
    if (this.stopped) return;
    try {
      const current = this.store.tryGet(PODS, this.pod.metadata.namespace, this.pod.metadata.name) as Pod | undefined;
      if (!current || current.metadata.uid !== this.pod.metadata.uid) return;
      this.store.update(PODS, { ...current, status: change(current.status ?? {}) });
    } catch (error) {
      this.onError(error);
    }
  }
}

function cond(type: string, status: 'True' | 'False', time: string, reason?: string, message?: string): Condition {
  return { type, status, lastProbeTime: null, lastTransitionTime: time, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/** Replaces conditions by type; an unchanged status keeps its lastTransitionTime. Order as the kubelet writes them. */
function mergeConditions(current: Condition[] | undefined, updates: Condition[]): Condition[] {
  const out = [...(current ?? [])];
  for (const next of updates) {
    const index = out.findIndex((c) => c.type === next.type);
    const previous = out[index];
    const merged = previous && previous.status === next.status ? { ...next, lastTransitionTime: previous.lastTransitionTime ?? next.lastTransitionTime } : next;
    if (index >= 0) out[index] = merged;
    else out.push(merged);
  }
  const order = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  return out.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
