import type { FoldState, NodeProbeTrack } from '../fold/fold-types';

/**
 * An index of one node's probe runs, built on first use and kept until the fold moves on (its `version`):
 * measuring a rollout asks the same node many times, and the fold is an accumulator changed in place.
 */
export function nodeIndex<T>(build: (track: NodeProbeTrack) => T): (state: FoldState, node: string) => T | undefined {
  const cache = new WeakMap<FoldState, { version: number; byNode: Map<string, T> }>();
  return (state, node) => {
    let entry = cache.get(state);
    if (!entry || entry.version !== state.version) cache.set(state, (entry = { version: state.version, byNode: new Map() }));
    let index = entry.byNode.get(node);
    if (index === undefined) {
      const track = state.nodes.get(node);
      if (!track) return undefined;
      index = build(track);
      entry.byNode.set(node, index);
    }
    return index;
  };
}
