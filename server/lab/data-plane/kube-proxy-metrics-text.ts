/**
 * The part of kube-proxy's Prometheus metrics (its :10249/metrics) that says when the node's rules were
 * synced, rendered as kube-proxy's Go client prints it, so the probe agent reads a lab node exactly as it
 * reads a real one. Pure: the node's sync loop keeps the figures, this only writes them out.
 */

/** kube-proxy's buckets for `kubeproxy_sync_proxy_rules_duration_seconds`: ExponentialBuckets(0.001, 2, 15). */
export const SYNC_DURATION_BUCKETS: readonly number[] = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

/** What a node's proxy has done so far, in real ms since the epoch (Date.now(): the clock the agents stamp with). */
export interface SyncMetrics {
  /** Every sync so far, whatever triggered it: two syncs between two samples show as a jump of 2. */
  syncs: number;
  /** Seconds each sync took, per bucket of SYNC_DURATION_BUCKETS (not cumulative); one more slot for +Inf. */
  durationCounts: readonly number[];
  durationSumSeconds: number;
  /** When the rules were last synced; undefined before the first sync (the gauge then reads 0). */
  lastSyncAt: number | undefined;
  /** When a sync was last asked for (an EndpointSlice change reached the node). */
  lastQueuedAt: number | undefined;
  /** EndpointSlice changes that reached the node. */
  endpointChanges: number;
}

/** A fresh, empty set of sync figures. */
export function emptySyncMetrics(): SyncMetrics & { durationCounts: number[] } {
  return { syncs: 0, durationCounts: new Array<number>(SYNC_DURATION_BUCKETS.length + 1).fill(0), durationSumSeconds: 0, lastSyncAt: undefined, lastQueuedAt: undefined, endpointChanges: 0 };
}

/** The bucket slot of a duration in `durationCounts`. */
export function durationSlot(seconds: number): number {
  const i = SYNC_DURATION_BUCKETS.findIndex((le) => seconds <= le);
  return i < 0 ? SYNC_DURATION_BUCKETS.length : i;
}

/**
 * A float as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it (what client_golang's text format uses):
 * the shortest digits that read back exactly, in exponent form when the exponent is < -4 or >= 6, with a
 * sign and at least two exponent digits: 1.764864525123e+09, 0.001, 16.384, 1e+06, 12.
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  // Plain notation: JS writes the same shortest digits as Go in this range.
  return String(value);
}

const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string): string[] => [`# HELP ${name} [ALPHA] ${help}`, `# TYPE ${name} ${type}`];

/** Seconds since the epoch from real ms, as kube-proxy's SetToCurrentTime gauges hold them (ms precision here). */
const seconds = (ms: number | undefined): string => formatGoFloat(ms === undefined ? 0 : ms / 1000);

/** The sync metrics as Prometheus text, families in name order as client_golang writes them. */
export function renderSyncMetrics(m: SyncMetrics): string {
  const lines: string[] = [];
  const duration = 'kubeproxy_sync_proxy_rules_duration_seconds';
  lines.push(...family(duration, 'histogram', 'SyncProxyRules latency in seconds'));
  let cumulative = 0;
  SYNC_DURATION_BUCKETS.forEach((le, i) => {
    cumulative += m.durationCounts[i] ?? 0;
    lines.push(`${duration}_bucket{le="${formatGoFloat(le)}"} ${formatGoFloat(cumulative)}`);
  });
  cumulative += m.durationCounts[SYNC_DURATION_BUCKETS.length] ?? 0;
  lines.push(`${duration}_bucket{le="+Inf"} ${formatGoFloat(cumulative)}`);
  lines.push(`${duration}_sum ${formatGoFloat(m.durationSumSeconds)}`);
  lines.push(`${duration}_count ${formatGoFloat(m.syncs)}`);
  const changes = 'kubeproxy_sync_proxy_rules_endpoint_changes_total';
  lines.push(...family(changes, 'counter', 'Cumulative proxy rules Endpoint changes'));
  lines.push(`${changes} ${formatGoFloat(m.endpointChanges)}`);
  const queued = 'kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds';
  lines.push(...family(queued, 'gauge', 'The last time a sync of proxy rules was queued'));
  lines.push(`${queued} ${seconds(m.lastQueuedAt)}`);
  const last = 'kubeproxy_sync_proxy_rules_last_timestamp_seconds';
  lines.push(...family(last, 'gauge', 'The last time proxy rules were successfully synced'));
  lines.push(`${last} ${seconds(m.lastSyncAt)}`);
  return `${lines.join('\n')}\n`;
}
