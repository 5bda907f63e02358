import type { LabClock } from '../lab-clock';
import { type Endpoint, routedEndpoints } from './endpoints';
import type { EndpointApplication, NodeRecorder } from './ground-truth';
import { type SyncMetrics, durationSlot, emptySyncMetrics } from './kube-proxy-metrics-text';
import { type CutOffWindow, type LagModel, deliveryTime, sampleLag, seedFromName, seededRandom } from './lag-model';
import { SyncRunner, type TimerHost } from './sync-runner';

export interface NodeSyncOptions {
  name: string;
  lag: LagModel;
  /** Scenario ms (kube-proxy's minSyncPeriod). */
  minSyncPeriodMs: number;
  /**
   * Scenario ms between syncs when nothing asks for one (the runner's maxInterval). Default one hour, what
   * kube-proxy's iptables mode passes; a periodic sync changes no rule but counts, as on a real node.
   */
  syncPeriodMs?: number;
  /** Scenario ms after the epoch (see DataPlane.markEpoch) during which nothing reaches the node. */
  cutOff?: { fromMs: number; toMs: number } | undefined;
  clock: LabClock;
  recorder: NodeRecorder;
  /** Where a sync's result goes: the node's proxy. */
  program: (endpoints: readonly Endpoint[]) => void;
  seed?: number;
}

/** One version of a slice as it travels to the nodes; computed once and shared by every node. */
export interface SliceChange {
  slice: string;
  /** undefined: the slice was deleted. */
  endpoints: readonly Endpoint[] | undefined;
  /** Endpoint keys whose readiness flipped (or which appeared ready / disappeared) in this version. */
  flips: readonly string[];
  /** Real ms the change was written to the store. */
  sentAt: number;
}

/** The readiness flips between two versions of a slice: what can change a node's rules. */
export function readinessFlips(previous: readonly Endpoint[] | undefined, next: readonly Endpoint[] | undefined): string[] {
  const before = new Map<string, boolean>();
  for (const e of previous ?? []) before.set(e.key, e.ready);
  const flips: string[] = [];
  for (const e of next ?? []) {
    if ((before.get(e.key) ?? false) !== e.ready) flips.push(e.key);
    before.delete(e.key);
  }
  for (const [key, ready] of before) if (ready) flips.push(key);
  return flips;
}

interface Delivery {
  at: number;
  change: SliceChange;
}

/**
 * One node's kube-proxy control loop: EndpointSlice changes reach the node after its lag (in order,
 * held through a cut-off), each arrival requests a rules sync from the minSyncPeriod-bounded runner,
 * and a sync programs the node's proxy with the routed endpoints of the latest state it has, recording
 * every endpoint it adds or removes with the lag from the slice change that caused it.
 */
export class NodeSync {
  private readonly slices = new Map<string, readonly Endpoint[]>();
  /**
   * Readiness flips delivered since the last sync, with the real ms of the store change that made
   * them; a key flipped back again is dropped (net no change).
   */
  private readonly pendingFlips = new Map<string, number>();
  /** The earliest store change delivered since the last sync: blamed for rule changes no flip explains. */
  private firstPendingAt: number | undefined;
  private applied = new Map<string, Endpoint>();
  private readonly queue: Array<Delivery | undefined> = [];
  private queueHead = 0;
  private deliveryTimer: NodeJS.Timeout | undefined;
  private lastDeliveryAt = 0;
  private epoch: number;
  private readonly random: () => number;
  private readonly runner: SyncRunner;
  private readonly cutOff: CutOffWindow | undefined;
  private stopped = false;
  private readonly metrics = emptySyncMetrics();

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
    const minMs = clock.real(options.minSyncPeriodMs);
    this.runner = new SyncRunner(() => this.sync(), minMs, timers, 2, Math.max(minMs, clock.real(options.syncPeriodMs ?? 3_600_000)));
  }

  get name(): string {
    return this.options.name;
  }

  /** What the node's kube-proxy would export about its syncs (read-only view; the node keeps it current). */
  get syncMetrics(): SyncMetrics {
    return this.metrics;
  }

  /** Cut-off windows count from here (the lab calls it when a rollout starts). */
  markEpoch(at: number): void {
    this.epoch = at;
  }

  /** The state the node starts with, programmed at once: the node was running before the lab looked. */
  initialise(slices: ReadonlyMap<string, readonly Endpoint[]>, at: number): void {
    for (const [key, endpoints] of slices) this.slices.set(key, endpoints);
    this.firstPendingAt = at;
    this.sync();
  }

  /** A slice changed in the store: it reaches this node after the node's lag. */
  onSliceChange(change: SliceChange): void {
    if (this.stopped) return;
    const lagMs = this.options.clock.real(sampleLag(this.options.lag, this.random));
    const at = deliveryTime(change.sentAt, lagMs, this.lastDeliveryAt, this.cutOff, this.epoch);
    this.lastDeliveryAt = at;
    this.queue.push({ at, change });
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
      this.queue[this.queueHead - 1] = undefined; // let the slice version go
      const change = next.change;
      if (change.endpoints) this.slices.set(change.slice, change.endpoints);
      else this.slices.delete(change.slice);
      // Cheap per delivery (a couple of flips); the routed set is only computed at sync time.
      for (const key of change.flips) {
        if (this.pendingFlips.has(key)) this.pendingFlips.delete(key);
        else this.pendingFlips.set(key, change.sentAt);
      }
      this.firstPendingAt ??= change.sentAt;
      this.metrics.endpointChanges++;
      delivered = true;
    }
    if (this.queueHead > 64 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    if (delivered) {
      this.metrics.lastQueuedAt = now;
      this.runner.request();
    }
    this.armDelivery();
  }

  private sync(): void {
    if (this.stopped) return;
    const started = performance.now();
    const now = this.options.clock.now();
    const all: Endpoint[] = [];
    for (const endpoints of this.slices.values()) for (const e of endpoints) all.push(e);
    const desired = new Map<string, Endpoint>();
    for (const endpoint of routedEndpoints(all)) desired.set(endpoint.key, endpoint);
    const fallbackAt = this.firstPendingAt ?? now;
    const applications: EndpointApplication[] = [];
    const record = (change: 'added' | 'removed', endpoint: Endpoint): void => {
      const changedAt = this.pendingFlips.get(endpoint.key) ?? fallbackAt;
      applications.push({ node: this.options.name, change, pod: endpoint.pod, address: endpoint.address, changedAt, appliedAt: now, lagMs: now - changedAt });
    };
    for (const [key, endpoint] of desired) if (!this.applied.has(key)) record('added', endpoint);
    for (const [key, endpoint] of this.applied) if (!desired.has(key)) record('removed', endpoint);
    this.applied = desired;
    this.pendingFlips.clear();
    this.firstPendingAt = undefined;
    const programmed = [...desired.values()];
    this.options.program(programmed);
    this.options.recorder.synced(now, programmed.map((e) => e.key), applications);
    const tookSeconds = (performance.now() - started) / 1000;
    const m = this.metrics;
    m.syncs++;
    m.lastSyncAt = now;
    m.durationSumSeconds += tookSeconds;
    m.durationCounts[durationSlot(tookSeconds)] = (m.durationCounts[durationSlot(tookSeconds)] ?? 0) + 1;
  }
}
