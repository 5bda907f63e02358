import type { LagModel } from '../scenarios/scenario-schema';

export type { LagModel };

/** A small seeded PRNG (mulberry32): a node's jitter is the same run after run, so tests are stable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable seed from a name (FNV-1a), so each node jitters differently but reproducibly. */
export function seedFromName(name: string, salt = 0): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One draw of the scenario-ms delay with which a node learns of an EndpointSlice change. */
export function sampleLag(model: LagModel, random: () => number): number {
  switch (model.kind) {
    case 'fixed':
      return model.ms;
    case 'jitter':
      return model.minMs + random() * (model.maxMs - model.minMs);
    case 'straggler':
      return model.ms + (model.jitterMs > 0 ? (random() * 2 - 1) * model.jitterMs : 0);
    default: {
      const unknown: never = model;
      throw new Error(`unknown lag model ${JSON.stringify(unknown)}`);
    }
  }
}

/** A partition window in real ms since the data plane's epoch: nothing reaches the node inside it. */
export interface CutOffWindow {
  fromMs: number;
  toMs: number;
}

/**
 * When a change sent at `sentAt` (real ms) reaches the node: after its lag, never before an earlier
 * change (a watch stream is ordered), and not inside a cut-off window (it arrives when the window ends,
 * as a relist would bring it).
 */
export function deliveryTime(sentAt: number, lagMs: number, previousDelivery: number, cutOff: CutOffWindow | undefined, epoch: number): number {
  let at = Math.max(sentAt + Math.max(0, lagMs), previousDelivery);
  if (cutOff) {
    const from = epoch + cutOff.fromMs;
    const to = epoch + cutOff.toMs;
    if (at >= from && at < to) at = to;
  }
  return at;
}
