import type { FoldState } from '../fold/fold-types';

/**
 * Evidence of the first kind (DESIGN.md, "Evidence and bounds"): what a node's proxy routes the probed
 * Service to after each sync, as its agent read it from the node's rules. kube-proxy changes its rules only
 * when it syncs, so the sync that first lacks a pod's address is when the node stopped sending new
 * connections there, and the first that has it is when it started. A sync reported as an upper bound may
 * hide an earlier one in the same sample: the change then lies in [notBefore, syncedAt].
 */
export interface RuleSync {
  syncedAt: number;
  upperBound: boolean;
  notBefore: number | undefined;
  /** The rules were read then: a sync up to this time may be the one they show. */
  latest: number;
  /** Addresses (without port) the rules route to after this sync. */
  addresses: ReadonlySet<string>;
}

/**
 * When a node's rules changed for a pod: `at` is the sync time the agent read, and the change lies in
 * [earliest, latest] (all three equal when the sync is exact and its rules were read before another).
 */
export interface RuleSwitch {
  at: number;
  earliest: number;
  latest: number;
}

/** The address part of `address:port` (`[v6]:port` too). */
export function addressOf(endpoint: string): string {
  if (endpoint.startsWith('[')) {
    const close = endpoint.indexOf(']');
    return close > 0 ? endpoint.slice(1, close) : endpoint;
  }
  const colon = endpoint.lastIndexOf(':');
  return colon > 0 && endpoint.indexOf(':') === colon ? endpoint.slice(0, colon) : endpoint;
}

const cache = new WeakMap<FoldState, { version: number; byNode: Map<string, RuleSync[]> }>();

/** The node's syncs that carried the routed endpoints, ordered by sync time. */
export function ruleSyncs(state: FoldState, node: string): RuleSync[] {
  let entry = cache.get(state);
  if (!entry || entry.version !== state.version) {
    const byNode = new Map<string, RuleSync[]>();
    for (const sync of state.dataPlane) {
      if (sync.endpoints === undefined) continue;
      let list = byNode.get(sync.node);
      if (!list) byNode.set(sync.node, (list = []));
      list.push({ syncedAt: sync.syncedAt, upperBound: sync.upperBound, notBefore: sync.notBefore, latest: Math.max(sync.syncedAt, sync.rulesReadAt ?? sync.syncedAt), addresses: new Set(sync.endpoints.map(addressOf)) });
    }
    for (const list of byNode.values()) list.sort((a, b) => a.syncedAt - b.syncedAt);
    cache.set(state, (entry = { version: state.version, byNode }));
  }
  return entry.byNode.get(node) ?? [];
}

function routes(sync: RuleSync, addresses: ReadonlySet<string>): boolean {
  for (const a of addresses) if (sync.addresses.has(a)) return true;
  return false;
}

/** The change is at `sync`; `previous` is the sync before it (the rules as they were until then). */
function switchAt(sync: RuleSync, previous: RuleSync): RuleSwitch {
  // A dump read after a later sync than its label also holds rules older syncs did not have: from the
  // previous sample on, as with a hidden sync.
  const unsure = sync.upperBound || sync.latest > sync.syncedAt;
  const earliest = unsure ? Math.max(previous.syncedAt, sync.notBefore ?? previous.syncedAt) : sync.syncedAt;
  return { at: sync.syncedAt, earliest, latest: sync.latest };
}

export type RemovalRuleEvidence =
  | { kind: 'switch'; switch: RuleSwitch }
  /** The last sync seen still routes there: the node had not switched by `lastSyncAt`. */
  | { kind: 'still-routed'; lastSyncAt: number };

/**
 * When the node's rules stopped routing to any of `addresses`, looking only at syncs in [from, until]
 * (an address can belong to another pod before or after). Undefined when no sync in the window routed
 * there: the rules say nothing about this pod.
 */
export function removalFromRules(syncs: readonly RuleSync[], addresses: ReadonlySet<string>, from: number, until: number): RemovalRuleEvidence | undefined {
  let lastWith = -1;
  let lastInWindow = -1;
  for (let i = 0; i < syncs.length; i++) {
    const s = syncs[i] as RuleSync;
    if (s.syncedAt < from) continue;
    if (s.syncedAt > until) break;
    lastInWindow = i;
    if (routes(s, addresses)) lastWith = i;
  }
  if (lastWith < 0) return undefined;
  if (lastWith === lastInWindow) return { kind: 'still-routed', lastSyncAt: (syncs[lastWith] as RuleSync).syncedAt };
  return { kind: 'switch', switch: switchAt(syncs[lastWith + 1] as RuleSync, syncs[lastWith] as RuleSync) };
}

/**
 * When the node's rules started routing to any of `addresses`: the first sync in [from, until] that does,
 * if the sync before it did not. Undefined otherwise: the pod was routed before the rules
 * were first read, or never.
 */
export function additionFromRules(syncs: readonly RuleSync[], addresses: ReadonlySet<string>, from: number, until: number): RuleSwitch | undefined {
  let previous: RuleSync | undefined;
  for (const s of syncs) {
    if (s.syncedAt < from) {
      // Before the pod existed its address could not be its own: a sync then is the "before" state.
      previous = routes(s, addresses) ? undefined : s;
      continue;
    }
    if (s.syncedAt > until) return undefined;
    if (routes(s, addresses)) return previous ? switchAt(s, previous) : undefined;
    previous = s;
  }
  return undefined;
}
