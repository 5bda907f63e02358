import type { IntOrString } from '../api/kube-types';

/**
 * The Deployment controller's arithmetic, pure so it can be table-tested against what
 * kube-controller-manager does (pkg/controller/deployment/rolling.go and util/deployment_util.go).
 */

/** An int-or-percent of `total`: percentages round up for surge and down for unavailable. */
export function resolveIntOrPercent(value: IntOrString | undefined, total: number, roundUp: boolean, fallback: IntOrString): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const match = /^(\d+)%$/.exec(v);
  if (!match?.[1]) throw new Error(`invalid int-or-percent "${v}"`);
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge and maxUnavailable as the controller uses them: if both resolve to 0, unavailable becomes 1. */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, replicas: number): { surge: number; unavailable: number } {
  const surge = resolveIntOrPercent(maxSurge, replicas, true, '25%');
  let unavailable = resolveIntOrPercent(maxUnavailable, replicas, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export interface RsState {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** status.availableReplicas */
  available: number;
  /** creation order: older first */
  createdAt: number;
}

/** How many replicas the new ReplicaSet should have now (NewRSNewReplicas). */
export function newRsReplicas(desired: number, surge: number, all: readonly RsState[], newRs: RsState): number {
  if (newRs.replicas === desired) return desired;
  if (newRs.replicas > desired) return desired;
  const total = all.reduce((sum, rs) => sum + rs.replicas, 0);
  const maxTotal = desired + surge;
  if (total >= maxTotal) return newRs.replicas;
  const scaleUp = Math.min(maxTotal - total, desired - newRs.replicas);
  return newRs.replicas + scaleUp;
}

/**
 * New spec.replicas of each old ReplicaSet (reconcileOldReplicaSets): first scale down old replicas
 * that are not available (they serve nothing), then available ones while keeping
 * `desired - unavailable` pods available overall.
 */
export function scaleDownOld(desired: number, unavailable: number, newRs: RsState, old: readonly RsState[]): Map<string, number> {
  const result = new Map(old.map((rs) => [rs.name, rs.replicas]));
  const oldTotal = old.reduce((sum, rs) => sum + rs.replicas, 0);
  if (oldTotal === 0) return result;
  const allTotal = oldTotal + newRs.replicas;
  const minAvailable = desired - unavailable;
  const newRsUnavailable = newRs.replicas - newRs.available;
  const maxScaledDown = allTotal - minAvailable - newRsUnavailable;
  if (maxScaledDown <= 0) return result;

  const byAge = [...old].sort((a, b) => a.createdAt - b.createdAt);
  // cleanupUnhealthyReplicas
  let cleaned = 0;
  for (const rs of byAge) {
    if (cleaned >= maxScaledDown) break;
    const current = result.get(rs.name) ?? 0;
    if (current === 0 || current === rs.available) continue;
    const down = Math.min(maxScaledDown - cleaned, current - rs.available);
    result.set(rs.name, current - down);
    cleaned += down;
  }
  // scaleDownOldReplicaSetsForRollingUpdate
  const totalAvailable = newRs.available + old.reduce((sum, rs) => sum + Math.min(rs.available, result.get(rs.name) ?? 0), 0);
  let toScaleDown = totalAvailable - minAvailable;
  for (const rs of byAge) {
    if (toScaleDown <= 0) break;
    const current = result.get(rs.name) ?? 0;
    if (current === 0) continue;
    const down = Math.min(current, toScaleDown);
    result.set(rs.name, current - down);
    toScaleDown -= down;
  }
  return result;
}

/** Pod-template-hash: a stable short hash of the template (FNV-1a, written in the safe alphabet). */
export function templateHash(template: unknown): string {
  const text = stableStringify(template);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  let second = hash ^ 0x5bd1e995;
  second = Math.imul(second ^ (second >>> 15), 0x2c1b3c6d) >>> 0;
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let n = hash * 4096 + (second % 4096); out.length < 10; n = Math.floor(n / alphabet.length)) {
    out += alphabet[n % alphabet.length];
  }
  return out;
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
