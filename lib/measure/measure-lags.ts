import type { FoldState } from '../fold/fold-types';
import { bound, type Bound } from './bound';
import { addressesOf, type AttributedRun, type PodView } from './deployment-view';
import { additionFromRules, removalFromRules, ruleSyncs } from './node-rules';
import { likelyLastRouted } from './likely-last-routed';
import { nextProbeAfter } from './probe-neighbours';
import { elsewhereAfter, elsewhereBefore, type Targets } from './requests-elsewhere';
import { attributedTo, firstUnattributedFailure, lastUnattributedFailure, requestsForConfidence, routedRequests } from './routed-requests';
import { isNewPod, type RolloutView } from './select-rollouts';

/**
 * What a lag stands on (DESIGN.md, "Evidence and bounds"): the node's own rules (exact up to sampling),
 * failures tied to the endpoint the node's DNAT chose, or responses alone. The last two give statistical
 * bounds (`confidence`), since kube-proxy picks one endpoint per connection at random.
 */
export type LagEvidence = 'node-rules' | 'attributed-failures' | 'responses';

/** The probability with which a bound from requests alone holds the truth. */
export const STATISTICAL_CONFIDENCE = 0.99;

/** Agent times reach the server as whole ms: a time known to the ms may be off by this much. */
const ROUNDING_MS = 1;

export interface PodNodeLag {
  pod: string;
  node: string;
  /** Control-plane edge: ready in the slices (add) or no longer ready / gone from them (removal). */
  endpointAt: number;
  /**
   * Add: the first request the node sent to the pod that reached it (a response, or a failure whose DNAT
   * target was the pod). Removal: the last. Absent when the node never reached the pod.
   */
  responseAt?: number;
  /** Removal without node rules: the probe after the last one that most likely reached the pod. */
  firstNotSeenAt?: number;
  /** Node rules: when the node's rules took the pod in or out (the latest it can have been). */
  rulesAt?: number;
  evidence: LagEvidence;
  /** For bounds from requests alone: the probability that the truth lies in `lag`. */
  confidence?: number;
  /** `hi` is Infinity when nothing the node did after shows it had switched (unknown, not small). */
  lag: Bound;
  spansGap: boolean;
}

export interface Seen {
  /** First response served by the pod at the node. */
  first?: number;
  /** First failed request whose DNAT target was the pod. */
  firstFailure?: number;
  /** Last request the node's rules sent to the pod: served, or failed with the pod known. */
  last: number;
}

/** Pod (lane uid) → node → what the node saw of the pod: one walk over the runs, shared by add and removal lags. */
export type SeenByPodAndNode = Map<string, Map<string, Seen>>;

/**
 * Gathers SeenByPodAndNode run by run. Only what the node's rules chose counts: a response (a pod's
 * leftover conntrack entry only ever steers failed attempts), or a failure whose conntrack entry is known
 * to be its own. One that matched a leftover entry (conntrack tail), or may have, is left out. A Deployment's runs come node by node: they are
 * gathered per node (one lookup of the pod per run), then turned round.
 */
export class SeenCollector {
  private readonly byNode = new Map<string, Map<PodView, Seen>>();
  private node: string | undefined;
  private seenAt: Map<PodView, Seen> | undefined;

  add({ run, pod }: AttributedRun): void {
    if (!pod || run.reusedConntrack === true) return;
    if (run.outcome !== 'served' && run.endpoint != null && run.reusedConntrack !== false) return;
    let seenAt = this.seenAt;
    if (run.node !== this.node || !seenAt) {
      this.node = run.node;
      seenAt = this.byNode.get(run.node);
      if (!seenAt) this.byNode.set(run.node, (seenAt = new Map()));
      this.seenAt = seenAt;
    }
    const served = run.outcome === 'served';
    const seen = seenAt.get(pod);
    if (!seen) seenAt.set(pod, served ? { first: run.first, last: run.last } : { firstFailure: run.first, last: run.last });
    else {
      if (run.last > seen.last) seen.last = run.last;
      if (served && (seen.first === undefined || run.first < seen.first)) seen.first = run.first;
      if (!served && (seen.firstFailure === undefined || run.first < seen.firstFailure)) seen.firstFailure = run.first;
    }
  }

  result(): SeenByPodAndNode {
    const out: SeenByPodAndNode = new Map();
    for (const [n, pods] of this.byNode) {
      for (const [pod, seen] of pods) {
        let nodes = out.get(pod.lane.uid);
        if (!nodes) out.set(pod.lane.uid, (nodes = new Map()));
        nodes.set(n, seen);
      }
    }
    return out;
  }
}

export function seenByPodAndNode(runs: readonly AttributedRun[]): SeenByPodAndNode {
  const c = new SeenCollector();
  for (const a of runs) c.add(a);
  return c.result();
}

/** What the lags of one rollout share: who holds which address, and how many endpoints a node may pick from. */
interface LagContext {
  state: FoldState;
  r: RolloutView;
  /** Requests that must go elsewhere before a still-routed pod would have been hit (STATISTICAL_CONFIDENCE), until a time. */
  needed: (until: number) => number;
  /** Nodes whose rules were read. */
  ruleNodes: ReadonlySet<string>;
  /** The pod's addresses and the window in which they were its own (addresses are reused). */
  owned: (p: PodView) => { addresses: Set<string>; from: number; until: number };
}

/**
 * Endpoints a node may have been choosing among from the rollout's start until a time: every endpoint of
 * the Deployment's Services that was ready or serving at some point of that. A lagging node's rules hold
 * some of each, so the union is the safe count. Returned as a count by time: when each such endpoint
 * first counts (its first ready or serving span that reaches into the rollout), sorted.
 */
function routableEndpoints(state: FoldState, pods: readonly PodView[], r: RolloutView): (until: number) => number {
  const services = new Set<string>();
  for (const p of pods) for (const s of p.endpoint?.serviceNames ?? []) services.add(`${p.lane.namespace}/${s}`);
  const counts: number[] = [];
  for (const e of state.endpoints.values()) {
    if (![...e.serviceNames].some((s) => services.has(`${e.namespace}/${s}`))) continue;
    let since = Infinity;
    for (const i of [...e.ready, ...e.serving]) if ((i.to ?? Infinity) >= r.startAt && i.from <= r.windowEnd) since = Math.min(since, Math.max(i.from, r.startAt));
    if (Number.isFinite(since)) counts.push(since);
  }
  counts.sort((x, y) => x - y);
  return (until) => {
    let n = 0;
    while (n < counts.length && (counts[n] ?? Infinity) <= until) n++;
    return Math.max(1, n);
  };
}

function lagContext(state: FoldState, r: RolloutView, pods: readonly PodView[]): LagContext {
  const holders = new Map<string, number[]>();
  const mine = new Map(pods.map((p) => [p.lane, p] as const));
  for (const lane of state.pods.values()) {
    for (const a of addressesOf(mine.get(lane) ?? { lane })) {
      const list = holders.get(a);
      if (list) list.push(lane.createdAt);
      else holders.set(a, [lane.createdAt]);
    }
  }
  const needed = new Map<number, number>();
  const routable = routableEndpoints(state, pods, r);
  const ruleNodes = new Set<string>();
  for (const sync of state.dataPlane) if (sync.endpoints !== undefined) ruleNodes.add(sync.node);
  return {
    state,
    r,
    ruleNodes,
    needed: (until) => {
      const k = routable(until);
      let m = needed.get(k);
      if (m === undefined) needed.set(k, (m = requestsForConfidence(k, STATISTICAL_CONFIDENCE)));
      return m;
    },
    owned: (p) => {
      const addresses = addressesOf(p);
      let until = Infinity;
      for (const a of addresses) for (const created of holders.get(a) ?? []) if (created > p.lane.createdAt) until = Math.min(until, created);
      return { addresses, from: p.lane.preexisting ? -Infinity : p.lane.createdAt, until };
    },
  };
}

function nodeTiming(state: FoldState, node: string): { interval: number; u: number } {
  const t = state.nodes.get(node);
  return { interval: t?.intervalMs ?? 0, u: t?.maxUncertaintyMs ?? 0 };
}

/** Nodes with anything to say about a pod: those that reached it, and those whose rules were read. */
function nodesOf(ctx: LagContext, seen: Map<string, Seen> | undefined): string[] {
  const names = new Set<string>(seen?.keys() ?? []);
  for (const node of ctx.ruleNodes) names.add(node);
  return [...names].sort();
}

/** Where a node's runs say they went when they went to the pod: its name, or one of its addresses. */
function targetsOf(p: PodView, addresses: ReadonlySet<string>): Targets {
  return [p.lane.name, ...[...addresses].map(attributedTo)];
}

/**
 * Add lag (P, N) = when N's data plane started sending new connections to P − P became ready in an
 * EndpointSlice. From the node's rules when they were read; else the first request that reached P is the
 * latest the switch can have been, and the earliest is where enough requests had gone elsewhere just
 * before (or before an unexplained failure that may have been P's) that P would have been hit.
 */
export function addLags(state: FoldState, r: RolloutView, pods: readonly PodView[], runs: readonly AttributedRun[], served: SeenByPodAndNode = seenByPodAndNode(runs)): PodNodeLag[] {
  const out: PodNodeLag[] = [];
  let ctx: LagContext | undefined;
  for (const p of pods) {
    const readyFrom = p.endpoint?.ready.find((i) => i.from >= r.startAt && i.from <= r.windowEnd)?.from;
    if (!isNewPod(r.record, p) || readyFrom === undefined || !p.endpoint) continue;
    ctx ??= lagContext(state, r, pods);
    const early = p.endpoint.earliest.readyFrom;
    const slack = early !== undefined && p.endpoint.ready[0]?.from === readyFrom ? readyFrom - early : 0;
    const { addresses, from, until } = ctx.owned(p);
    const targets = targetsOf(p, addresses);
    const seenAt = served.get(p.lane.uid);
    for (const node of nodesOf(ctx, seenAt)) {
      const seen = seenAt?.get(node);
      const { u } = nodeTiming(state, node);
      const firstRouted = Math.min(seen?.first ?? Infinity, seen?.firstFailure ?? Infinity);
      const base = { pod: p.lane.name, node, endpointAt: readyFrom, spansGap: slack > 0 };
      const withResponse = Number.isFinite(firstRouted) ? { responseAt: firstRouted } : {};
      const rules = addresses.size > 0 ? additionFromRules(ruleSyncs(state, node), addresses, from, until) : undefined;
      if (rules) {
        // A request that reached the pod before the rules say they took it in: trust the request too.
        const earliest = Math.min(rules.earliest, firstRouted);
        out.push({ ...base, ...withResponse, rulesAt: rules.at, evidence: 'node-rules', lag: bound(rules.at - readyFrom, earliest - readyFrom - u - ROUNDING_MS, rules.latest - readyFrom + u + ROUNDING_MS + slack) });
        continue;
      }
      if (!Number.isFinite(firstRouted)) continue;
      const index = routedRequests(state, node);
      if (!index) continue;
      const possible = firstUnattributedFailure(index, readyFrom, firstRouted);
      const lo = elsewhereBefore(index, possible ?? firstRouted, ctx.needed(firstRouted), targets) ?? -Infinity;
      const d = firstRouted - readyFrom;
      out.push({
        ...base,
        ...withResponse,
        evidence: index.attributesFailures ? 'attributed-failures' : 'responses',
        confidence: STATISTICAL_CONFIDENCE,
        lag: bound(d, lo - readyFrom - u, d + u + slack),
      });
    }
  }
  return out;
}

/** The time a pod stopped being ready in the slices (or left them) within the rollout, if it did. */
export function endpointStopAt(p: PodView, r: RolloutView): { at: number; earliest?: number } | undefined {
  const e = p.endpoint;
  if (!e) return undefined;
  // The last time it stopped being ready within the rollout (a pod can flap before it is removed), if it
  // never came back: a pod whose readiness flapped and that is ready again was not taken out of the Service,
  // and what it served meanwhile is neither a removal's lag nor stale.
  const closed = e.ready.findLast((i) => i.to !== undefined && i.to >= r.startAt && i.to <= r.windowEnd);
  if (closed?.to === undefined || e.ready[e.ready.length - 1] !== closed) return undefined;
  return e.earliest.readyTo !== undefined ? { at: closed.to, earliest: e.earliest.readyTo } : { at: closed.to };
}

/**
 * Removal lag (P, N) = when N's data plane stopped sending new connections to P − P stopped being ready
 * in the slices, whether P drained or died. From the node's rules when they were read. Else the last
 * request that reached P is the earliest the switch can have been; a failure whose target is unknown
 * after it may have been P's (a dead pod answers nothing), so the latest is where enough requests had
 * gone elsewhere after the last request that was or may have been P's.
 */
export function removalLags(state: FoldState, r: RolloutView, pods: readonly PodView[], runs: readonly AttributedRun[], served: SeenByPodAndNode = seenByPodAndNode(runs)): PodNodeLag[] {
  const out: PodNodeLag[] = [];
  let ctx: LagContext | undefined;
  for (const p of pods) {
    const stop = endpointStopAt(p, r);
    if (!stop) continue;
    ctx ??= lagContext(state, r, pods);
    const slack = stop.earliest !== undefined ? stop.at - stop.earliest : 0;
    const { addresses, from, until } = ctx.owned(p);
    const targets = targetsOf(p, addresses);
    const seenAt = served.get(p.lane.uid);
    for (const node of nodesOf(ctx, seenAt)) {
      const seen = seenAt?.get(node);
      const { interval, u } = nodeTiming(state, node);
      const base = { pod: p.lane.name, node, endpointAt: stop.at, spansGap: slack > 0 };
      const withResponse = seen ? { responseAt: seen.last } : {};
      const rules = addresses.size > 0 ? removalFromRules(ruleSyncs(state, node), addresses, from, until) : undefined;
      if (rules?.kind === 'switch') {
        const { at, earliest } = rules.switch;
        // A request that reached the pod after the rules say they dropped it: trust the request too.
        const latest = Math.max(rules.switch.latest, seen?.last ?? -Infinity);
        out.push({ ...base, ...withResponse, rulesAt: at, evidence: 'node-rules', lag: bound(at - stop.at, earliest - stop.at - u - ROUNDING_MS, latest - stop.at + u + ROUNDING_MS + slack) });
        continue;
      }
      if (!seen) continue;
      const index = routedRequests(state, node);
      if (!index) continue;
      const lastPossible = Math.max(seen.last, lastUnattributedFailure(index, seen.last, r.windowEnd) ?? -Infinity);
      const latest = elsewhereAfter(index, lastPossible, ctx.needed(r.windowEnd), targets) ?? Infinity;
      const earliest = rules?.kind === 'still-routed' ? Math.max(seen.last, rules.lastSyncAt) : seen.last;
      // Most likely just after the last of the failures that came densely after the pod's last request;
      // the sparse ones after are more likely conntrack tail (the bound still holds them).
      const needed = ctx.needed(r.windowEnd);
      const likely = likelyLastRouted(index.unattributed, seen.last, lastPossible, (t) => elsewhereAfter(index, t, needed, targets));
      const firstNotSeenAt = nextProbeAfter(state, node, likely) ?? likely + interval;
      out.push({
        ...base,
        ...withResponse,
        firstNotSeenAt,
        evidence: index.attributesFailures ? 'attributed-failures' : 'responses',
        confidence: STATISTICAL_CONFIDENCE,
        lag: bound((likely + firstNotSeenAt) / 2 - stop.at, earliest - stop.at - u, latest - stop.at + u + slack),
      });
    }
  }
  return out;
}

/**
 * The one ranking of lags (worst first): by value, then by how high the bound reaches. The headline, the
 * chart, the per-node figures, the checks and the advice all name the same pod through it.
 */
export function compareLags(a: PodNodeLag, b: PodNodeLag): number {
  return b.lag.value - a.lag.value || b.lag.hi - a.lag.hi || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0) || (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0);
}

export function worstLag(lags: readonly PodNodeLag[]): PodNodeLag | undefined {
  let top: PodNodeLag | undefined;
  for (const l of lags) if (!top || compareLags(l, top) < 0) top = l;
  return top;
}

/** The worst lag of each node, ordered by node. */
export function worstByNode(lags: readonly PodNodeLag[]): PodNodeLag[] {
  const byNode = new Map<string, PodNodeLag>();
  for (const l of lags) {
    const cur = byNode.get(l.node);
    if (!cur || compareLags(l, cur) < 0) byNode.set(l.node, l);
  }
  return [...byNode.values()].sort((a, b) => (a.node < b.node ? -1 : 1));
}
