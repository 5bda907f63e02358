import type { KubeObject, ObjectStore, StoreChange } from '../api/object-store';
import { resourceForKind, resourceKey } from '../api/resource-registry';
import type { LabClock } from '../lab-clock';
import { ConnectionLog, KERNEL_TIMEOUT_SECONDS } from './connection-log';
import { renderConntrackNewEvent } from './conntrack-text';
import { ConntrackTable } from './conntrack';
import { type Endpoint, endpointsOfSlice, routedEndpoints } from './endpoints';
import { GroundTruth, type GroundTruthSnapshot } from './ground-truth';
import type { ServicePortRef } from './iptables-save';
import type { LagModel } from './lag-model';
import { EVIDENCE_PATHS, NodeEvidenceServer } from './node-evidence-server';
import { NodeProxy } from './node-proxy';
import { NodeSync, readinessFlips } from './node-sync';
import { POD_CIDR, POD_PORT } from './pod-address';
import { PodDirectory } from './pod-directory';

const SLICES = resourceForKind('EndpointSlice');
const PODS = resourceForKind('Pod');
const SLICE_RESOURCE = resourceKey(SLICES);
const POD_RESOURCE = resourceKey(PODS);

/** A lab node's data plane. Structurally a scenario's node (scenario-schema `ScenarioNode`). */
export interface DataPlaneNode {
  name: string;
  /** Scenario ms with which the node learns of an EndpointSlice change. Default: fixed 0. */
  lag?: LagModel;
  /** kube-proxy's minSyncPeriod, scenario ms. Default 1000 (the real default). */
  minSyncPeriodMs?: number;
  /** Scenario ms after the epoch (markEpoch, i.e. the rollout start) during which the node hears nothing. */
  cutOff?: { fromMs: number; toMs: number } | undefined;
}

/**
 * An external load balancer in front of the Service, in IP-target mode (as AWS ALB / GKE NEG): it
 * sends to pod addresses directly from its own, much later view of the endpoints. `lagMs` is a
 * shorthand for a fixed lag; a scenario's `loadBalancer` (lag model + minSyncPeriodMs) fits as is.
 */
export interface DataPlaneLoadBalancer {
  lag?: LagModel;
  lagMs?: number;
  minSyncPeriodMs?: number;
}

export interface DataPlaneOptions {
  store: ObjectStore;
  clock: LabClock;
  nodes: DataPlaneNode[];
  loadBalancer?: DataPlaneLoadBalancer | undefined;
  /** Loopback address the node proxies listen on (each on its own ephemeral port). Default 127.0.0.1. */
  host?: string;
  /**
   * The Service the proxies route, and the name of its port (for the node's rules; default: the slices'
   * port name). Default: every EndpointSlice in the store (the lab has one Service).
   */
  service?: { namespace: string; name: string; portName?: string };
  /**
   * Stale connection tracking; scenario ms. Default ttl 10 s, and a new connection matches each leftover
   * entry of its client with probability 1/1024 (see ConntrackTable).
   */
  conntrack?: { ttlMs?: number; flowBuckets?: number };
  /** Scenario ms between ICMP errors let through for SYNs to a dead pod on another node. Default 2500. */
  icmpErrorIntervalMs?: number;
  /** Scenario ms a timed-out connection is held before the proxy drops it (at least 1 s real). Default 30 s. */
  maxHoldMs?: number;
  /** Ground-truth ring sizes. */
  maxRecordedRequests?: number;
  maxRecordedApplications?: number;
  /** Salt for the per-node jitter PRNGs. */
  seed?: number;
}

export const LOAD_BALANCER = 'load-balancer';

/** Default size of the source-port space leftover conntrack entries are matched in (see ConntrackTable). */
export const DEFAULT_FLOW_BUCKETS = 1024;

/**
 * Where an agent on a lab node reads the node's data-plane evidence, as it would on a real node:
 * kube-proxy's metrics, the NAT rules (`iptables-save -t nat` text) and the conntrack entries
 * (`conntrack -L` text; `?sport=N` for one client port), and the address the rules match the Service on.
 */
export interface NodeEvidenceUrls {
  metricsUrl: string;
  rulesUrl: string;
  conntrackUrl: string;
  /** Its NEW events, streamed as `conntrack -E -e NEW -o timestamp` prints them. */
  conntrackEventsUrl: string;
  /** The node proxy's own listen address: the lab's Service has no clusterIP, so the rules match this. */
  service: { address: string; port: number };
}

interface Member {
  sync: NodeSync;
  proxy: NodeProxy;
  /** Nodes only: the load balancer is not a kube-proxy and exposes nothing. */
  evidence: NodeEvidenceServer | undefined;
}

/**
 * The lab's data plane: one proxy per node standing in for kube-proxy (plus an optional load
 * balancer), fed from the lab's store with each node's lag and sync period, recording what really
 * happened in `groundTruth`. LabCluster owns one and wires it to its store and clock.
 */
export class DataPlane {
  readonly groundTruth: GroundTruth;
  private readonly pods = new PodDirectory();
  private readonly members = new Map<string, Member>();
  private loadBalancer: Member | undefined;
  private unsubscribe: (() => void) | undefined;
  private malformedEndpoints = 0;
  /** The last version of each routed slice, to compute what flipped in the next one. */
  private readonly lastSlices = new Map<string, readonly Endpoint[]>();
  /** The Service port each routed slice belongs to, for the nodes' rules. */
  private readonly sliceServices = new Map<string, ServicePortRef>();

  constructor(private readonly options: DataPlaneOptions) {
    const names = new Set<string>();
    for (const node of options.nodes) {
      if (names.has(node.name) || node.name === LOAD_BALANCER) throw new Error(`duplicate or reserved node name ${node.name}`);
      names.add(node.name);
    }
    this.groundTruth = new GroundTruth({
      scale: options.clock.scale,
      now: () => options.clock.now(),
      ...(options.maxRecordedRequests !== undefined ? { maxRequests: options.maxRecordedRequests } : {}),
      ...(options.maxRecordedApplications !== undefined ? { maxApplications: options.maxRecordedApplications } : {}),
    });
  }

  get nodeNames(): string[] {
    return this.options.nodes.map((n) => n.name);
  }

  /** Endpoints skipped because a slice listed them malformed. */
  get malformed(): number {
    return this.malformedEndpoints;
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    const o = this.options;
    const clock = o.clock;
    const host = o.host ?? '127.0.0.1';
    const conntrack = {
      ttlMs: clock.real(o.conntrack?.ttlMs ?? 10_000),
      flowBuckets: o.conntrack?.flowBuckets ?? DEFAULT_FLOW_BUCKETS,
    };
    const seconds = (s: number) => clock.real(s * 1000);
    const timeouts = {
      established: seconds(KERNEL_TIMEOUT_SECONDS.established),
      timeWait: seconds(KERNEL_TIMEOUT_SECONDS.timeWait),
      close: seconds(KERNEL_TIMEOUT_SECONDS.close),
      // What the lab's leftover entries live (so an entry listed is one that steers); 120 s, the kernel's, without them.
      synSent: conntrack.ttlMs > 0 ? conntrack.ttlMs : seconds(120),
    };
    const icmpErrorIntervalMs = clock.real(o.icmpErrorIntervalMs ?? 2500);
    const maxHoldMs = Math.max(1000, clock.real(o.maxHoldMs ?? 30_000));
    const member = (name: string, node: DataPlaneNode, index: number): Member => {
      const recorder = this.groundTruth.recorder(name);
      const isNode = name !== LOAD_BALANCER;
      const connections = isNode ? new ConnectionLog(timeouts) : undefined;
      const proxy = new NodeProxy({
        nodeName: name,
        host,
        pods: this.pods,
        conntrack: new ConntrackTable(conntrack),
        connections,
        recorder,
        now: () => clock.now(),
        icmpErrorIntervalMs,
        maxHoldMs,
      });
      const sync = new NodeSync({
        name,
        lag: node.lag ?? { kind: 'fixed', ms: 0 },
        minSyncPeriodMs: node.minSyncPeriodMs ?? 1000,
        cutOff: node.cutOff,
        clock,
        recorder,
        program: (endpoints) => proxy.program(endpoints),
        ...(o.seed !== undefined ? { seed: (o.seed * 7919 + index) >>> 0 } : {}),
      });
      const evidence =
        connections &&
        new NodeEvidenceServer(
          {
            syncMetrics: () => sync.syncMetrics,
            rules: () => ({
              service: this.serviceRef(),
              address: host,
              port: proxy.port,
              endpoints: proxy.programmed,
              clusterCidr: POD_CIDR,
              savedAt: new Date(clock.now()),
            }),
            conntrack: (sport) => (sport === undefined ? connections.entries(clock.now()) : connections.entriesForPort(sport, clock.now())),
            conntrackEvents: (listener) => connections.onNew((line, at) => listener(renderConntrackNewEvent(line, at))),
          },
          host,
        );
      return { sync, proxy, evidence };
    };
    o.nodes.forEach((node, i) => this.members.set(node.name, member(node.name, node, i)));
    if (o.loadBalancer) {
      const lb = o.loadBalancer;
      this.loadBalancer = member(
        LOAD_BALANCER,
        { name: LOAD_BALANCER, lag: lb.lag ?? { kind: 'fixed', ms: lb.lagMs ?? 10_000 }, minSyncPeriodMs: lb.minSyncPeriodMs ?? 0 },
        o.nodes.length,
      );
    }
    const all = this.allMembers();
    try {
      await Promise.all(all.flatMap((m) => [m.proxy.listen(), m.evidence?.listen()]));
    } catch (error) {
      await Promise.allSettled(all.flatMap((m) => [m.proxy.close(), m.evidence?.close()]));
      throw error;
    }

    // Subscribe before listing so nothing falls between; the store is synchronous, so both happen in
    // one turn and the list is exactly the state before any change the listener sees.
    this.unsubscribe = o.store.subscribe((change) => this.onChange(change));
    for (const pod of o.store.list(PODS, { selector: [] }).items) this.pods.apply({ rv: 0, resource: POD_RESOURCE, type: 'ADDED', object: pod });
    const initial = new Map<string, readonly Endpoint[]>();
    for (const slice of o.store.list(SLICES, { selector: [] }).items) {
      if (this.routes(slice)) initial.set(sliceKey(slice), this.readSlice(slice));
    }
    for (const [key, endpoints] of initial) this.lastSlices.set(key, endpoints);
    const now = clock.now();
    for (const m of all) m.sync.initialise(initial, now);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const all = this.allMembers();
    for (const m of all) m.sync.stop();
    await Promise.all(all.flatMap((m) => [m.proxy.close(), m.evidence?.close()]));
    this.members.clear();
    this.lastSlices.clear();
    this.sliceServices.clear();
    this.loadBalancer = undefined;
  }

  /** Resolves once converged() holds (checked every 20 ms); rejects after `timeoutMs` real ms. */
  whenConverged(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        if (this.converged()) return resolve();
        if (Date.now() >= deadline) return reject(new Error(`the nodes' rules did not reach the EndpointSlices' state within ${timeoutMs} ms`));
        setTimeout(check, 20);
      };
      check();
    });
  }

  /** Cut-off windows of the nodes count from `at` (real ms; default now): call it when a rollout starts. */
  markEpoch(at = this.options.clock.now()): void {
    for (const m of this.allMembers()) m.sync.markEpoch(at);
  }

  nodeProxyUrl(nodeName: string): string {
    const m = this.members.get(nodeName);
    if (!m) throw new Error(`no data plane for node ${nodeName}`);
    return m.proxy.url;
  }

  loadBalancerUrl(): string | undefined {
    return this.loadBalancer?.proxy.url;
  }

  /** Where an agent on the node reads the node's metrics, rules and conntrack entries. */
  nodeEvidence(nodeName: string): NodeEvidenceUrls {
    const m = this.members.get(nodeName);
    if (!m?.evidence) throw new Error(`no data plane for node ${nodeName}`);
    const base = m.evidence.url;
    return {
      metricsUrl: `${base}${EVIDENCE_PATHS.metrics}`,
      rulesUrl: `${base}${EVIDENCE_PATHS.rules}`,
      conntrackUrl: `${base}${EVIDENCE_PATHS.conntrack}`,
      conntrackEventsUrl: `${base}${EVIDENCE_PATHS.conntrackEvents}`,
      service: { address: this.options.host ?? '127.0.0.1', port: m.proxy.port },
    };
  }

  /**
   * Every node routes exactly what the EndpointSlices say now: the lab's start-up has reached every
   * node's rules (the Deployment being available says nothing of the nodes, which learn after their lag).
   */
  converged(): boolean {
    const all: Endpoint[] = [];
    for (const endpoints of this.lastSlices.values()) all.push(...endpoints);
    const want = routedEndpoints(all).map((e) => e.key).join(',');
    return [...this.members.values()].every((m) => m.proxy.programmed.map((e) => e.key).join(',') === want);
  }

  /** Endpoint keys (address:port) a node currently sends new connections to. */
  programmed(nodeName: string): string[] {
    const m = nodeName === LOAD_BALANCER ? this.loadBalancer : this.members.get(nodeName);
    return m ? m.proxy.programmed.map((e) => e.key) : [];
  }

  snapshot(): GroundTruthSnapshot {
    return this.groundTruth.snapshot();
  }

  private allMembers(): Member[] {
    return [...this.members.values(), ...(this.loadBalancer ? [this.loadBalancer] : [])];
  }

  private onChange(change: StoreChange): void {
    if (change.resource === POD_RESOURCE) {
      this.pods.apply(change);
      return;
    }
    if (change.resource !== SLICE_RESOURCE || !this.routes(change.object)) return;
    const now = this.options.clock.now();
    const key = sliceKey(change.object);
    // Parsed and diffed once, shared (read-only) by every node.
    const endpoints = change.type === 'DELETED' ? undefined : this.readSlice(change.object);
    const flips = readinessFlips(this.lastSlices.get(key), endpoints);
    if (endpoints) this.lastSlices.set(key, endpoints);
    else {
      this.lastSlices.delete(key);
      this.sliceServices.delete(key);
    }
    const sliceChange = { slice: key, endpoints, flips, sentAt: now };
    for (const m of this.allMembers()) m.sync.onSliceChange(sliceChange);
  }

  private routes(slice: KubeObject): boolean {
    const service = this.options.service;
    if (!service) return true;
    return slice.metadata.namespace === service.namespace && slice.metadata.labels?.['kubernetes.io/service-name'] === service.name;
  }

  private readSlice(slice: KubeObject): readonly Endpoint[] {
    const { endpoints, malformed } = endpointsOfSlice(slice, POD_PORT);
    this.malformedEndpoints += malformed;
    const ports = Array.isArray(slice.ports) ? (slice.ports as Array<{ name?: unknown }>) : [];
    const portName = ports[0]?.name;
    this.sliceServices.set(sliceKey(slice), {
      namespace: slice.metadata.namespace ?? '',
      name: slice.metadata.labels?.['kubernetes.io/service-name'] ?? slice.metadata.name,
      portName: typeof portName === 'string' ? portName : '',
    });
    return endpoints;
  }

  /** The Service port the nodes' rules are written for: the configured one, else what the slices say. */
  private serviceRef(): ServicePortRef {
    const fromSlices = this.sliceServices.values().next();
    const seen = fromSlices.done ? undefined : fromSlices.value;
    const service = this.options.service;
    return {
      namespace: service?.namespace ?? seen?.namespace ?? 'default',
      name: service?.name ?? seen?.name ?? 'service',
      portName: service?.portName ?? seen?.portName ?? '',
    };
  }
}

function sliceKey(slice: KubeObject): string {
  return `${slice.metadata.namespace ?? ''}/${slice.metadata.name}`;
}
