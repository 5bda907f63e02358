import type { Segment } from './routed-requests';

/**
 * The most likely last request a node's rules sent to a pod that left, from requests alone (the value of
 * a removal lag without node rules; its bound stays the safe one). While the rules still hold a dead pod,
 * failures whose destination is unknown come densely (one request in k goes there); after, they come only
 * now and then, from leftover conntrack entries (conntrack tail). So: walk those failures from the last
 * request known to be the pod's, and stop at the first quiet stretch in which enough requests went
 * elsewhere (`elsewhereAfter`, at the bound's confidence) that a pod still routed would have been hit.
 * `unattributed` is the node's index of such failures, ordered by `last`.
 */
export function likelyLastRouted(unattributed: readonly Segment[], from: number, until: number, elsewhereAfter: (t: number) => number | undefined): number {
  let likely = from;
  let quietBy = elsewhereAfter(likely) ?? Infinity;
  // Ordered by `last`: a run that ends later may start earlier, so each is checked, none cut the walk short.
  for (const s of unattributed) {
    if (s.last <= likely) continue;
    const next = Math.max(s.first, likely);
    if (next > until || next > quietBy) continue;
    likely = Math.min(s.last, until);
    quietBy = elsewhereAfter(likely) ?? Infinity;
  }
  return likely;
}
