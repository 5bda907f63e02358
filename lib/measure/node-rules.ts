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
  /**
   * The earliest the rules can have changed since the node's previous sync with endpoints: that sync's
   * time, or the sample before the first sync after it (`notBefore`), whichever is later.
   */
  changedAfter: number;
  /** This sync is the only one since the previous with endpoints, its count exact and its rules read before another. */
  exact: boolean;
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
    const all = new Map<string, FoldState['dataPlane']>();
    for (const sync of state.dataPlane) {
      const list = all.get(sync.node);
      if (list) list.push(sync);
      else all.set(sync.node, [sync]);
    }
    const byNode = new Map<string, RuleSync[]>();
    for (const [node, syncs] of all) byNode.set(node, withEndpoints(syncs.sort((a, b) => a.syncedAt - b.syncedAt)));
    cache.set(state, (entry = { version: state.version, byNode }));
  }
  return entry.byNode.get(node) ?? [];
}

/**
 * The syncs whose endpoints were read, each with how far back its change may lie. Syncs whose rules were
 * not read (a newer sync came before the dump) still count: the rules may have changed at any of them, so
 * the next sync with endpoints is exact only if nothing came between.
 */
function withEndpoints(syncs: FoldState['dataPlane']): RuleSync[] {
  const out: RuleSync[] = [];
  let previous: RuleSync | undefined;
  let since = 0;
  let firstNotBefore: number | undefined;
  for (const sync of syncs) {
    since++;
    if (since === 1) firstNotBefore = sync.notBefore;
    if (sync.endpoints === undefined) continue;
    const latest = Math.max(sync.syncedAt, sync.rulesReadAt ?? sync.syncedAt);
    const after = previous?.syncedAt ?? -Infinity;
    const rule: RuleSync = {
      syncedAt: sync.syncedAt,
      upperBound: sync.upperBound,
      notBefore: sync.notBefore,
      latest,
      addresses: new Set(sync.endpoints.map(addressOf)),
      changedAfter: Math.max(after, firstNotBefore ?? after),
      exact: since === 1 && !sync.upperBound && latest === sync.syncedAt,
    };
    out.push(rule);
    previous = rule;
    since = 0;
    firstNotBefore = undefined;
  }
  return out;
}

function routes(sync: RuleSync, addresses: ReadonlySet<string>): boolean {
  for (const a of addresses) if (sync.addresses.has(a)) return true;
  return false;
}

/**
 * The change is first seen at `sync`, the rules as they were until the sync with endpoints before it. A
 * hidden sync, a sync whose rules were not read, or a dump read after a later sync than its label: the
 * change lies anywhere from `changedAfter` on.
 */
function switchAt(sync: RuleSync): RuleSwitch {
  return { at: sync.syncedAt, earliest: sync.exact ? sync.syncedAt : sync.changedAfter, latest: sync.latest };
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
  return { kind: 'switch', switch: switchAt(syncs[lastWith + 1] as RuleSync) };
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
    if (routes(s, addresses)) return previous ? switchAt(s) : undefined;
    previous = s;
  }
  return undefined;
}
