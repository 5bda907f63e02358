/**
 * What the lab's data plane really did, recorded as it happens: when each node applied each endpoint
 * change (with the lag it injected) and how each request through a node proxy or the load balancer
 * ended. It is the yardstick Cutover's measurements are checked against, so it records at the source
 * (in the proxies), never from Cutover's own events.
 *
 * Memory is bounded: per-node totals, per (node, pod) serving spans (at most MAX_PODS_PER_NODE each),
 * and rings of the last N requests and endpoint applications.
 */

export type RequestOutcome = 'served' | 'refused' | 'timeout' | 'reset';

export interface RequestRecord {
  /** Real ms: when the outcome was known (first response byte; the refusal; the start of the hold; the reset). */
  at: number;
  /** Real ms the client's connection was accepted. */
  startedAt: number;
  /** The node proxy, or the load balancer, that handled it. */
  via: string;
  outcome: RequestOutcome;
  /** The pod it went to, when one was chosen. */
  pod: string | undefined;
  revision: string | undefined;
  /** Served by a pod that was already terminating (deletionTimestamp set). */
  stale: boolean;
  /** Sent to its pod by a leftover conntrack entry rather than by the current rules. */
  conntrack: boolean;
}

export interface EndpointApplication {
  /** The node (or load balancer) whose rules changed. */
  node: string;
  change: 'added' | 'removed';
  pod: string | undefined;
  address: string;
  /** Real ms the EndpointSlice change that caused it was written to the store. */
  changedAt: number;
  /** Real ms the node's rules took it in or out. */
  appliedAt: number;
  /** appliedAt − changedAt: the propagation lag injected (node lag + sync wait), real ms. */
  lagMs: number;
}

export interface OutcomeTotals {
  served: number;
  refused: number;
  timeout: number;
  reset: number;
  stale: number;
  conntrack: number;
}

export interface PodServing {
  node: string;
  pod: string;
  revision: string;
  firstServedAt: number;
  lastServedAt: number;
  count: number;
  staleCount: number;
  lastStaleAt: number | undefined;
}

export interface NodeTruth {
  totals: OutcomeTotals;
  syncs: number;
  lastSyncAt: number | undefined;
  /** Endpoint keys currently programmed. */
  programmed: string[];
}

export interface GroundTruthSnapshot {
  version: 1;
  takenAt: number;
  /** The lab's time scale: real ms × scale = scenario ms. */
  scale: number;
  totals: OutcomeTotals;
  nodes: Record<string, NodeTruth>;
  serving: PodServing[];
  applications: EndpointApplication[];
  applicationsDropped: number;
  requests: RequestRecord[];
  requestsDropped: number;
}

const MAX_PODS_PER_NODE = 2000;

const emptyTotals = (): OutcomeTotals => ({ served: 0, refused: 0, timeout: 0, reset: 0, stale: 0, conntrack: 0 });

/** A fixed-size ring that overwrites its oldest element. */
class Ring<T> {
  private readonly items: T[] = [];
  private start = 0;
  dropped = 0;
  constructor(private readonly capacity: number) {}
  push(item: T): void {
    if (this.capacity <= 0) {
      this.dropped++;
      return;
    }
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    this.dropped++;
  }
  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}

/** One node's (or the load balancer's) recorder: the hot path of every request goes through here. */
export class NodeRecorder {
  readonly totals = emptyTotals();
  syncs = 0;
  lastSyncAt: number | undefined;
  programmed: readonly string[] = [];
  private readonly pods = new Map<string, PodServing>();

  constructor(
    readonly name: string,
    private readonly truth: GroundTruth,
  ) {}

  request(record: RequestRecord): void {
    const t = this.totals;
    switch (record.outcome) {
      case 'served':
        t.served++;
        break;
      case 'refused':
        t.refused++;
        break;
      case 'timeout':
        t.timeout++;
        break;
      case 'reset':
        t.reset++;
        break;
      default: {
        const unknown: never = record.outcome;
        throw new Error(`unknown outcome ${String(unknown)}`);
      }
    }
    if (record.stale) t.stale++;
    if (record.conntrack) t.conntrack++;
    if (record.outcome === 'served' && record.pod !== undefined) this.served(record);
    this.truth.pushRequest(record);
  }

  private served(record: RequestRecord): void {
    const pod = record.pod ?? '';
    let span = this.pods.get(pod);
    if (!span) {
      if (this.pods.size >= MAX_PODS_PER_NODE) {
        const oldest = this.pods.keys().next();
        if (!oldest.done) this.pods.delete(oldest.value);
      }
      span = { node: this.name, pod, revision: record.revision ?? '', firstServedAt: record.at, lastServedAt: record.at, count: 0, staleCount: 0, lastStaleAt: undefined };
      this.pods.set(pod, span);
    }
    span.lastServedAt = Math.max(span.lastServedAt, record.at);
    span.count++;
    if (record.stale) {
      span.staleCount++;
      span.lastStaleAt = record.at;
    }
  }

  synced(at: number, programmed: readonly string[], applications: readonly EndpointApplication[]): void {
    this.syncs++;
    this.lastSyncAt = at;
    this.programmed = programmed;
    for (const application of applications) this.truth.pushApplication(application);
  }

  servingSpans(): PodServing[] {
    return [...this.pods.values()].map((s) => ({ ...s }));
  }
}

export interface GroundTruthOptions {
  scale?: number;
  maxRequests?: number;
  maxApplications?: number;
  now?: () => number;
}

export class GroundTruth {
  private readonly recorders = new Map<string, NodeRecorder>();
  private readonly requests: Ring<RequestRecord>;
  private readonly applications: Ring<EndpointApplication>;
  private readonly now: () => number;
  private readonly scale: number;

  constructor(options: GroundTruthOptions = {}) {
    this.requests = new Ring(options.maxRequests ?? 5000);
    this.applications = new Ring(options.maxApplications ?? 10_000);
    this.now = options.now ?? Date.now;
    this.scale = options.scale ?? 1;
  }

  recorder(name: string): NodeRecorder {
    let recorder = this.recorders.get(name);
    if (!recorder) {
      recorder = new NodeRecorder(name, this);
      this.recorders.set(name, recorder);
    }
    return recorder;
  }

  pushRequest(record: RequestRecord): void {
    this.requests.push(record);
  }

  pushApplication(application: EndpointApplication): void {
    this.applications.push(application);
  }

  /** JSON-serialisable copy of everything recorded so far. */
  snapshot(): GroundTruthSnapshot {
    const totals = emptyTotals();
    const nodes: Record<string, NodeTruth> = {};
    const serving: PodServing[] = [];
    for (const [name, recorder] of this.recorders) {
      for (const key of Object.keys(totals) as Array<keyof OutcomeTotals>) totals[key] += recorder.totals[key];
      nodes[name] = { totals: { ...recorder.totals }, syncs: recorder.syncs, lastSyncAt: recorder.lastSyncAt, programmed: [...recorder.programmed] };
      serving.push(...recorder.servingSpans());
    }
    return {
      version: 1,
      takenAt: this.now(),
      scale: this.scale,
      totals,
      nodes,
      serving,
      applications: this.applications.toArray().map((a) => ({ ...a })),
      applicationsDropped: this.applications.dropped,
      requests: this.requests.toArray().map((r) => ({ ...r })),
      requestsDropped: this.requests.dropped,
    };
  }
}
