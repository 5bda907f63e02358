import type { LabClock } from '../lab-clock';
import { type Endpoint, routedEndpoints } from './endpoints';
import type { EndpointApplication, NodeRecorder } from './ground-truth';
import { type CutOffWindow, type LagModel, deliveryTime, sampleLag, seedFromName, seededRandom } from './lag-model';
import { SyncRunner, type TimerHost } from './sync-runner';

export interface NodeSyncOptions {
  name: string;
  lag: LagModel;
  /** Scenario ms (kube-proxy's minSyncPeriod). */
  minSyncPeriodMs: number;
  /** Scenario ms after the epoch (see DataPlane.markEpoch) during which nothing reaches the node. */
  cutOff?: { fromMs: number; toMs: number } | undefined;
  clock: LabClock;
  recorder: NodeRecorder;
  /** Where a sync's result goes: the node's proxy. */
  program: (endpoints: readonly Endpoint[]) => void;
  seed?: number;
}

interface Delivery {
  at: number;
  sentAt: number;
  slice: string;
  endpoints: readonly Endpoint[] | undefined;
}

/**
 * One node's kube-proxy control loop: EndpointSlice changes reach the node after its lag (in order,
 * held through a cut-off), each arrival requests a rules sync from the minSyncPeriod-bounded runner,
 * and a sync programs the node's proxy with the routed endpoints of the latest state it has, recording
 * every endpoint it adds or removes with the lag from the slice change that caused it.
 */
export class NodeSync {
  private readonly slices = new Map<string, readonly Endpoint[]>();
  /** Real ms the desired (routed) state of each endpoint key last changed in the slices the node has. */
  private readonly desiredSince = new Map<string, number>();
  private desired = new Map<string, Endpoint>();
  private applied = new Map<string, Endpoint>();
  private readonly queue: Delivery[] = [];
  private queueHead = 0;
  private deliveryTimer: NodeJS.Timeout | undefined;
  private lastDeliveryAt = 0;
  private epoch: number;
  private readonly random: () => number;
  private readonly runner: SyncRunner;
  private readonly cutOff: CutOffWindow | undefined;
  private stopped = false;

  constructor(private readonly options: NodeSyncOptions) {
    const clock = options.clock;
    this.epoch = clock.now();
    this.random = seededRandom(options.seed ?? seedFromName(options.name));
    this.cutOff = options.cutOff ? { fromMs: clock.real(options.cutOff.fromMs), toMs: clock.real(options.cutOff.toMs) } : undefined;
    const timers: TimerHost = {
      now: () => clock.now(),
      setTimer: (callback, delayMs) => clock.setTimeout(callback, clock.scenario(delayMs)),
      clearTimer: (handle) => clock.clearTimeout(handle as NodeJS.Timeout),
    };
    this.runner = new SyncRunner(() => this.sync(), clock.real(options.minSyncPeriodMs), timers);
  }

  get name(): string {
    return this.options.name;
  }

  /** Cut-off windows count from here (the lab calls it when a rollout starts). */
  markEpoch(at: number): void {
    this.epoch = at;
  }

  /** The state the node starts with, programmed at once: the node was running before the lab looked. */
  initialise(slices: ReadonlyMap<string, readonly Endpoint[]>, at: number): void {
    for (const [key, endpoints] of slices) this.slices.set(key, endpoints);
    this.recomputeDesired(at);
    this.sync();
  }

  /** A slice changed in the store at `sentAt` (real ms); `endpoints` undefined: the slice was deleted. */
  onSliceChange(slice: string, endpoints: readonly Endpoint[] | undefined, sentAt: number): void {
    if (this.stopped) return;
    const lagMs = this.options.clock.real(sampleLag(this.options.lag, this.random));
    const at = deliveryTime(sentAt, lagMs, this.lastDeliveryAt, this.cutOff, this.epoch);
    this.lastDeliveryAt = at;
    this.queue.push({ at, sentAt, slice, endpoints });
    this.armDelivery();
  }

  stop(): void {
    this.stopped = true;
    this.runner.stop();
    if (this.deliveryTimer) this.options.clock.clearTimeout(this.deliveryTimer);
    this.deliveryTimer = undefined;
  }

  /** One timer for the head of the queue: deliveries are ordered, so only the head can be due. */
  private armDelivery(): void {
    if (this.deliveryTimer || this.queueHead >= this.queue.length) return;
    const head = this.queue[this.queueHead];
    if (!head) return;
    const clock = this.options.clock;
    const delay = Math.max(0, head.at - clock.now());
    this.deliveryTimer = clock.setTimeout(() => {
      this.deliveryTimer = undefined;
      this.deliverDue();
    }, clock.scenario(delay));
  }

  private deliverDue(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    let delivered = false;
    while (this.queueHead < this.queue.length) {
      const next = this.queue[this.queueHead];
      // A timer may fire a ms early; anything due within 1 ms counts as arrived.
      if (!next || next.at > now + 1) break;
      this.queueHead++;
      if (next.endpoints) this.slices.set(next.slice, next.endpoints);
      else this.slices.delete(next.slice);
      this.recomputeDesired(next.sentAt);
      delivered = true;
    }
    if (this.queueHead > 64 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    if (delivered) this.runner.request();
    this.armDelivery();
  }

  private recomputeDesired(changedAt: number): void {
    const all: Endpoint[] = [];
    for (const endpoints of this.slices.values()) all.push(...endpoints);
    const next = new Map<string, Endpoint>();
    for (const endpoint of routedEndpoints(all)) next.set(endpoint.key, endpoint);
    for (const key of next.keys()) if (!this.desired.has(key)) this.desiredSince.set(key, changedAt);
    for (const key of this.desired.keys()) if (!next.has(key)) this.desiredSince.set(key, changedAt);
    this.desired = next;
  }

  private sync(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    const applications: EndpointApplication[] = [];
    const record = (change: 'added' | 'removed', endpoint: Endpoint): void => {
      const changedAt = this.desiredSince.get(endpoint.key) ?? now;
      applications.push({ node: this.options.name, change, pod: endpoint.pod, address: endpoint.address, changedAt, appliedAt: now, lagMs: now - changedAt });
    };
    for (const [key, endpoint] of this.desired) if (!this.applied.has(key)) record('added', endpoint);
    for (const [key, endpoint] of this.applied) {
      if (!this.desired.has(key)) {
        record('removed', endpoint);
        this.desiredSince.delete(key);
      }
    }
    this.applied = this.desired;
    // Endpoints that came and went between two syncs never reached the rules: forget their times.
    if (this.desiredSince.size > this.applied.size) {
      for (const key of this.desiredSince.keys()) if (!this.applied.has(key)) this.desiredSince.delete(key);
    }
    const programmed = [...this.applied.values()];
    this.options.program(programmed);
    this.options.recorder.synced(now, programmed.map((e) => e.key), applications);
  }
}
